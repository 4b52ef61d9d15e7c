// Runtime validation of events before they get a sequence number: a refused event leaves no
// trace in the chain. Error messages name the field and the rule but never echo the value,
// because a rejected value may be exactly the secret that must not be logged.
import { InvalidAuditEventError } from '../../errors.js';
import { HEX64_PATTERN as HEX64, SERVICE_PATTERN } from '../../formats/patterns.js';
import { isUtcMillis } from '../../formats/utc-time.js';

export { SERVICE_PATTERN };
import {
  eventSpec,
  RESERVED_NAMESPACES,
  SEVERITIES,
  type AuditEvent,
  type FieldSpec,
  type Severity,
} from './events.js';

export const LIMITS = {
  textChars: 1024,
  idChars: 256,
  arrayItems: 256,
  listItems: 64,
  objectMembers: 64,
  depth: 8,
  typeChars: 128,
} as const;

export const TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const FINGERPRINT = /^[0-9a-f]{16,64}$/;
const KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
// C0 controls but TAB/LF/CR, DEL and C1 controls, bidi embedding/override/isolate controls.
export const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Member names that would hold a credential; `<name>_fingerprint` is the allowed form. */
const SECRET_NAME =
  /(^|_)(token|secret|password|passwd|passphrase|api_key|apikey|private_key|credentials?|authorization|bearer|cookie)(_|$)/;
/** Values that are recognisably credentials whatever field they are put in. */
const SECRET_VALUE =
  /^(bearer|basic)\s+\S|^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.|-----BEGIN [A-Z ]*PRIVATE KEY-----|^(sk|ghp|gho|xox[abp])[-_][A-Za-z0-9]/i;

function fail(field: string, message: string): never {
  throw new InvalidAuditEventError(field, message);
}

/** Code points, counted only when the UTF-16 length could exceed the limit. */
function tooLong(s: string, max: number): boolean {
  if (s.length <= max) return false;
  let n = 0;
  for (const _ of s) if (++n > max) return true;
  return false;
}

export function checkText(field: string, v: unknown, max: number = LIMITS.textChars, allowEmpty = true): string {
  if (typeof v !== 'string') fail(field, 'must be a string');
  if (!allowEmpty && v.length === 0) fail(field, 'must not be empty');
  if (tooLong(v, max)) fail(field, `must be at most ${max} characters`);
  // Printable ASCII (the common case) cannot hold a control, bidi character or surrogate.
  if (PRINTABLE_ASCII.test(v)) {
    if (SECRET_VALUE.test(v)) fail(field, 'looks like a credential; log a fingerprint of it instead');
    return v;
  }
  if (FORBIDDEN_CHARS.test(v)) fail(field, 'contains a control or bidi character (only TAB, LF and CR are allowed)');
  if (LONE_SURROGATE.test(v)) fail(field, 'contains a lone surrogate');
  if (SECRET_VALUE.test(v)) fail(field, 'looks like a credential; log a fingerprint of it instead');
  return v;
}

function checkField(field: string, spec: FieldSpec, v: unknown): void {
  const kind = spec.endsWith('?') ? spec.slice(0, -1) : spec;
  switch (kind) {
    case 'timestamp':
      if (!isUtcMillis(v)) fail(field, 'must be a UTC timestamp YYYY-MM-DDTHH:MM:SS.mmmZ');
      return;
    case 'text':
      checkText(field, v);
      return;
    case 'id':
      checkText(field, v, LIMITS.idChars, false);
      return;
    case 'digest':
      if (typeof v !== 'string' || !HEX64.test(v)) fail(field, 'must be exactly 64 lowercase hex characters');
      return;
    case 'digest|null':
      if (v !== null && (typeof v !== 'string' || !HEX64.test(v)))
        fail(field, 'must be 64 lowercase hex characters or null');
      return;
    case 'fingerprint':
      if (typeof v !== 'string' || !FINGERPRINT.test(v))
        fail(field, 'must be a fingerprint (16 to 64 lowercase hex), never the raw secret');
      return;
    case 'count':
      if (!Number.isSafeInteger(v) || (v as number) < 0) fail(field, 'must be an integer ≥ 0 (no floats)');
      return;
    case 'integer':
      if (!Number.isSafeInteger(v)) fail(field, 'must be a safe integer (no floats)');
      return;
    case 'boolean':
      if (typeof v !== 'boolean') fail(field, 'must be a boolean');
      return;
    case 'severity':
      if (!SEVERITIES.includes(v as Severity)) fail(field, 'must be info, warning or critical');
      return;
    case 'texts':
      if (!Array.isArray(v)) fail(field, 'must be an array of strings');
      if (v.length > LIMITS.listItems) fail(field, `must have at most ${LIMITS.listItems} items`);
      v.forEach((item, i) => {
        checkText(`${field}[${i}]`, item);
      });
      return;
    default:
      fail(field, `unknown field kind ${kind}`);
  }
}

function checkMemberName(field: string, key: string): void {
  if (!KEY_PATTERN.test(key)) fail(field, 'member names are snake_case: [a-z][a-z0-9_]{0,63}');
  if (SECRET_NAME.test(key) && !key.endsWith('_fingerprint'))
    fail(field, 'looks like a credential field; log `<name>_fingerprint` (a hash of it) instead of the secret');
}

/** Free-form data of a custom event: JSON of strings, safe integers, booleans, null, bounded arrays and objects. */
export function checkJsonValue(field: string, v: unknown, depth = 0): void {
  if (depth > LIMITS.depth) fail(field, `nests deeper than ${LIMITS.depth} levels`);
  if (v === null || typeof v === 'boolean') return;
  if (typeof v === 'string') {
    checkText(field, v);
    return;
  }
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) fail(field, 'must be a safe integer (floats, NaN and Infinity are not allowed)');
    return;
  }
  if (Array.isArray(v)) {
    if (v.length > LIMITS.arrayItems) fail(field, `must have at most ${LIMITS.arrayItems} items`);
    v.forEach((item, i) => {
      checkJsonValue(`${field}[${i}]`, item, depth + 1);
    });
    return;
  }
  if (
    (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) ||
    (typeof v === 'object' && Object.getPrototypeOf(v) === null)
  ) {
    const keys = Object.keys(v as object);
    if (keys.length > LIMITS.objectMembers) fail(field, `must have at most ${LIMITS.objectMembers} members`);
    for (const k of keys) {
      const sub = `${field}.${k}`;
      checkMemberName(sub, k);
      if (k.endsWith('_fingerprint') && SECRET_NAME.test(k))
        checkField(sub, 'fingerprint', (v as Record<string, unknown>)[k]);
      else checkJsonValue(sub, (v as Record<string, unknown>)[k], depth + 1);
    }
    return;
  }
  fail(field, `a ${typeof v} cannot be stored in an audit record`);
}

/** A catalogue field as the check uses it, made once per event type (emit runs this per event). */
interface CompiledField {
  key: string;
  /** `data.<key>`, the name errors give. */
  label: string;
  kind: FieldSpec;
  optional: boolean;
}
const compiled = new WeakMap<object, CompiledField[]>();
function compiledFields(fields: object): CompiledField[] {
  let list = compiled.get(fields);
  if (list === undefined) {
    list = Object.entries(fields as Record<string, FieldSpec>).map(([key, spec]) => ({
      key,
      label: `data.${key}`,
      kind: (spec.endsWith('?') ? spec.slice(0, -1) : spec) as FieldSpec,
      optional: spec.endsWith('?'),
    }));
    compiled.set(fields, list);
  }
  return list;
}

export interface ValidatedEvent {
  type: string;
  severity: Severity;
  data: Record<string, unknown>;
}

/**
 * Check an application event. Built-in types must carry exactly their catalogue fields;
 * other types are custom events and must live outside the built-in namespaces.
 * `allowLoggerTypes` lets the logger itself write `audit.*` records.
 */
export function validateEvent(event: AuditEvent, allowLoggerTypes = false): ValidatedEvent {
  if (event === null || typeof event !== 'object') fail('event', 'must be an object');
  const { type, data } = event;
  if (typeof type !== 'string' || type.length > LIMITS.typeChars || !TYPE_PATTERN.test(type))
    fail(
      'type',
      'must be a dotted lowercase type like `app.user_login` (^[a-z0-9_]+(\\.[a-z0-9_]+)+$, ≤ 128 characters)',
    );
  if (event.severity !== undefined && !SEVERITIES.includes(event.severity))
    fail('severity', 'must be info, warning or critical');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail('data', 'must be a plain object');

  const spec = eventSpec(type);
  if (spec) {
    if (type.startsWith('audit.') && !allowLoggerTypes)
      fail('type', 'audit.* records are written by the logger itself');
    const fields = spec.fields as Record<string, FieldSpec>;
    for (const key in data) {
      if (Object.hasOwn(data, key) && !Object.hasOwn(fields, key)) fail(`data.${key}`, `is not a field of ${type}`);
    }
    for (const f of compiledFields(spec.fields)) {
      const v = data[f.key];
      if (v === undefined) {
        if (!f.optional) fail(f.label, `is required for ${type}`);
        continue;
      }
      checkField(f.label, f.kind, v);
    }
    return { type, severity: event.severity ?? spec.severity, data };
  }
  const ns = type.slice(0, type.indexOf('.'));
  if (RESERVED_NAMESPACES.has(ns))
    fail('type', `unknown event type in the built-in namespace "${ns}"; custom events use their own namespace`);
  checkJsonValue('data', data);
  return { type, severity: event.severity ?? 'info', data };
}
