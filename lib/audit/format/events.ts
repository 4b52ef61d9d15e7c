// The event catalogue: every built-in event type, its default severity and its data fields
// (snake_case, exactly as written on disk). The same table drives runtime validation and the
// TypeScript types, so the two cannot drift apart.

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Field kinds. A trailing `?` marks an optional field.
 * - timestamp: UTC `YYYY-MM-DDTHH:MM:SS.mmmZ`
 * - text: string ≤ 1024 characters; id: non-empty string ≤ 256 characters
 * - digest: exactly 64 lowercase hex; digest|null: the same or null (when there is none)
 * - fingerprint: 16–64 lowercase hex: what a token-like field carries instead of the secret
 * - count: integer ≥ 0; integer: any safe integer; boolean; severity
 * - texts: array of at most 64 `text`
 */
export type FieldKind =
  | 'timestamp'
  | 'text'
  | 'id'
  | 'digest'
  | 'digest|null'
  | 'fingerprint'
  | 'count'
  | 'integer'
  | 'boolean'
  | 'severity'
  | 'texts';
export type FieldSpec = FieldKind | `${FieldKind}?`;

export interface EventSpec {
  readonly severity: Severity;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

export const AUDIT_FORMAT = 'vram-residency.audit.v1';

export const EVENT_CATALOGUE = {
  // VRAM and seal events (the VRAM manager's).
  'vram.allocated': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      requested_bytes: 'count',
      allocated_bytes: 'count',
      available_bytes: 'count',
      used_bytes: 'count',
      gpu_device: 'count',
      worker_id: 'id',
    },
  },
  'vram.allocation_failed': {
    severity: 'warning',
    fields: {
      timestamp: 'timestamp',
      requested_bytes: 'count',
      available_bytes: 'count',
      reason: 'text',
      gpu_device: 'count',
      worker_id: 'id',
    },
  },
  'vram.sealed': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      shard_id: 'id',
      gpu_device: 'count',
      vram_bytes: 'count',
      digest: 'digest',
      worker_id: 'id',
    },
  },
  'seal.verified': { severity: 'info', fields: { timestamp: 'timestamp', shard_id: 'id', worker_id: 'id' } },
  'seal.verification_failed': {
    severity: 'critical',
    fields: {
      timestamp: 'timestamp',
      shard_id: 'id',
      reason: 'text',
      expected_digest: 'digest|null',
      actual_digest: 'digest|null',
      worker_id: 'id',
      severity: 'severity',
    },
  },
  'vram.deallocated': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      shard_id: 'id',
      freed_bytes: 'count',
      remaining_used: 'count',
      gpu_device: 'count',
      worker_id: 'id',
      reason: 'text?',
    },
  },
  // Leases: sealed memory handed to inference (lib/manager/lease.ts).
  'vram.lease_opened': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      shard_id: 'id',
      lease_id: 'id',
      purpose: 'text',
      digest: 'digest',
      gpu_device: 'count',
      worker_id: 'id',
    },
  },
  'vram.lease_exported': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      shard_id: 'id',
      lease_id: 'id',
      handle_kind: 'id',
      gpu_device: 'count',
      worker_id: 'id',
    },
  },
  'vram.lease_closed': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      shard_id: 'id',
      lease_id: 'id',
      state: 'id',
      reason: 'text',
      held_ms: 'count',
      gpu_device: 'count',
      worker_id: 'id',
    },
  },
  'security.policy_violation': {
    severity: 'critical',
    fields: {
      timestamp: 'timestamp',
      policy: 'id',
      violation: 'text',
      details: 'text',
      severity: 'severity',
      worker_id: 'id',
      action_taken: 'text',
    },
  },

  // Authentication and authorisation.
  'auth.success': {
    severity: 'info',
    fields: { timestamp: 'timestamp', subject_id: 'id', method: 'id', source_ip: 'id?', worker_id: 'id' },
  },
  'auth.failure': {
    severity: 'warning',
    fields: {
      timestamp: 'timestamp',
      subject_id: 'id?',
      method: 'id',
      reason: 'text',
      source_ip: 'id?',
      worker_id: 'id',
    },
  },
  'token.created': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      token_fingerprint: 'fingerprint',
      subject_id: 'id',
      scopes: 'texts?',
      expires_at: 'timestamp?',
      worker_id: 'id',
    },
  },
  'token.revoked': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      token_fingerprint: 'fingerprint',
      subject_id: 'id?',
      reason: 'text',
      worker_id: 'id',
    },
  },
  'authz.granted': {
    severity: 'info',
    fields: { timestamp: 'timestamp', subject_id: 'id', action: 'id', resource: 'text', worker_id: 'id' },
  },
  'authz.denied': {
    severity: 'warning',
    fields: {
      timestamp: 'timestamp',
      subject_id: 'id',
      action: 'id',
      resource: 'text',
      reason: 'text',
      worker_id: 'id',
    },
  },
  'permission.changed': {
    severity: 'warning',
    fields: {
      timestamp: 'timestamp',
      subject_id: 'id',
      changed_by: 'id',
      permission: 'id',
      old_value: 'text?',
      new_value: 'text?',
      worker_id: 'id',
    },
  },

  // Integrity and abuse.
  'integrity.violation': {
    severity: 'critical',
    fields: {
      timestamp: 'timestamp',
      resource: 'text',
      reason: 'text',
      expected_digest: 'digest|null',
      actual_digest: 'digest|null',
      worker_id: 'id',
    },
  },
  'model.malformed_rejected': {
    severity: 'warning',
    fields: { timestamp: 'timestamp', model_ref: 'text', reason: 'text', worker_id: 'id' },
  },
  'resource.limit_violation': {
    severity: 'warning',
    fields: {
      timestamp: 'timestamp',
      resource: 'id',
      limit: 'integer',
      requested: 'integer',
      subject_id: 'id?',
      worker_id: 'id',
    },
  },
  'rate_limit.exceeded': {
    severity: 'warning',
    fields: { timestamp: 'timestamp', subject_id: 'id', limit: 'count', window_ms: 'count', worker_id: 'id' },
  },
  'security.path_traversal_attempt': {
    severity: 'critical',
    fields: { timestamp: 'timestamp', path: 'text', subject_id: 'id?', worker_id: 'id' },
  },
  'security.invalid_token_used': {
    severity: 'warning',
    fields: {
      timestamp: 'timestamp',
      token_fingerprint: 'fingerprint',
      subject_id: 'id?',
      reason: 'text',
      worker_id: 'id',
    },
  },
  'security.suspicious_activity': {
    severity: 'warning',
    fields: { timestamp: 'timestamp', activity: 'id', details: 'text', subject_id: 'id?', worker_id: 'id' },
  },

  // Data access and processing (GDPR Art. 30 records of processing).
  'inference.executed': {
    severity: 'info',
    fields: {
      timestamp: 'timestamp',
      request_id: 'id',
      shard_id: 'id',
      model_ref: 'text?',
      subject_id: 'id?',
      input_tokens: 'count?',
      output_tokens: 'count?',
      duration_ms: 'count?',
      worker_id: 'id',
    },
  },
  'model.accessed': {
    severity: 'info',
    fields: { timestamp: 'timestamp', model_ref: 'text', access: 'id', subject_id: 'id?', worker_id: 'id' },
  },
  'data.deleted': {
    severity: 'info',
    fields: { timestamp: 'timestamp', resource: 'text', reason: 'text', subject_id: 'id?', worker_id: 'id' },
  },
  'gdpr.access_request': {
    severity: 'info',
    fields: { timestamp: 'timestamp', data_subject_id: 'id', request_id: 'id', worker_id: 'id' },
  },
  'gdpr.data_export': {
    severity: 'info',
    fields: { timestamp: 'timestamp', data_subject_id: 'id', request_id: 'id', format: 'id?', worker_id: 'id' },
  },
  'gdpr.erasure': {
    severity: 'warning',
    fields: { timestamp: 'timestamp', data_subject_id: 'id', request_id: 'id', scope: 'text?', worker_id: 'id' },
  },

  // The logger's own records; applications cannot emit these.
  'audit.log_opened': { severity: 'info', fields: { format: 'id', resumed_at_seq: 'count?' } },
  'audit.recovered': { severity: 'warning', fields: { segment: 'id', bytes_dropped: 'count' } },
  'audit.gap': {
    severity: 'warning',
    fields: { count: 'count', first_dropped_at: 'timestamp', last_dropped_at: 'timestamp' },
  },
  'audit.log_closed': { severity: 'info', fields: { records_written: 'count' } },
  'audit.epoch_sealed': { severity: 'info', fields: { epoch: 'count', tag: 'digest' } },
  'audit.witness_refused': {
    severity: 'warning',
    fields: { witness: 'text', status: 'count?', reason: 'text', size: 'count' },
  },
} as const satisfies Record<string, EventSpec>;

export type BuiltinEventType = keyof typeof EVENT_CATALOGUE;
export type LoggerEventType = Extract<BuiltinEventType, `audit.${string}`>;
export type ApplicationEventType = Exclude<BuiltinEventType, LoggerEventType>;

/** Namespaces owned by the catalogue: a custom event type must live outside them. */
export const RESERVED_NAMESPACES: ReadonlySet<string> = new Set(
  Object.keys(EVENT_CATALOGUE).map((t) => t.split('.')[0]!),
);

/** The catalogue entry (severity and fields) of a built-in event type, or undefined for any other type. */
export function eventSpec(type: string): EventSpec | undefined {
  return Object.hasOwn(EVENT_CATALOGUE, type) ? (EVENT_CATALOGUE as Record<string, EventSpec>)[type] : undefined;
}

// ---- TypeScript face of the catalogue ----------------------------------------------------

type BaseKind<S> = S extends `${infer K}?` ? K : S;
type KindType<K> = K extends 'count' | 'integer'
  ? number
  : K extends 'boolean'
    ? boolean
    : K extends 'severity'
      ? Severity
      : K extends 'digest|null'
        ? string | null
        : K extends 'texts'
          ? string[]
          : string;
type Fields<T extends BuiltinEventType> = (typeof EVENT_CATALOGUE)[T]['fields'];
type RequiredKeys<F> = { [K in keyof F]: F[K] extends `${string}?` ? never : K }[keyof F];
type OptionalKeys<F> = Exclude<keyof F, RequiredKeys<F>>;

/** The data object of a built-in event type, e.g. `EventData<'vram.sealed'>`. */
export type EventData<T extends BuiltinEventType> = {
  [K in RequiredKeys<Fields<T>>]: KindType<BaseKind<Fields<T>[K]>>;
} & { [K in OptionalKeys<Fields<T>>]?: KindType<BaseKind<Fields<T>[K]>> };

/** What `AuditLogger.emit` takes. Severity defaults from the catalogue (`info` for custom types). */
export interface AuditEvent {
  type: string;
  data: Record<string, unknown>;
  severity?: Severity;
}

/** A built-in event with its data typed from the catalogue. */
export type TypedAuditEvent<T extends ApplicationEventType = ApplicationEventType> = {
  [K in T]: { type: K; data: EventData<K>; severity?: Severity };
}[T];

/** One record as written on disk (SPEC §4). */
export interface AuditRecord {
  v: 1;
  seq: number;
  id: string;
  ts: string;
  service: string;
  type: string;
  severity: Severity;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
}
