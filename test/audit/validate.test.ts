// Event validation: every rule refuses with a typed error naming the field, never echoes the
// value, and a refused event leaves no trace in the chain.
import t, { type Test } from 'tap';
import {
  AuditLogger,
  validateEvent,
  verifyAuditLog,
  queryAuditLogAll,
  type AuditEvent,
} from '../../lib/audit/index.js';
import { InvalidAuditEventError } from '../../lib/errors.js';
import { freshDir, quietLog, verifiedEvent } from './helpers.js';

const ts = '2026-11-23T19:01:45.100Z';
const allocated = {
  timestamp: ts,
  requested_bytes: 1,
  allocated_bytes: 1,
  available_bytes: 1,
  used_bytes: 1,
  gpu_device: 0,
  worker_id: 'w',
};

function refused(t: Test, event: AuditEvent, field: string, name: string) {
  try {
    validateEvent(event);
    t.fail(`${name}: accepted`);
  } catch (err) {
    t.type(err, InvalidAuditEventError, name);
    t.equal((err as InvalidAuditEventError).field, field, `${name}: names ${field}`);
    t.equal((err as InvalidAuditEventError).code, 'E_AUDIT_INVALID_EVENT');
  }
}

t.test('catalogue events: accepted when exact, refused field by field', async (t) => {
  t.equal(validateEvent({ type: 'vram.allocated', data: allocated }).severity, 'info');
  t.equal(
    validateEvent({
      type: 'vram.allocation_failed',
      data: { timestamp: ts, requested_bytes: 1, available_bytes: 0, reason: 'x', gpu_device: 0, worker_id: 'w' },
    }).severity,
    'warning',
  );
  t.equal(
    validateEvent({ type: 'vram.allocated', data: allocated, severity: 'warning' }).severity,
    'warning',
    'explicit severity wins',
  );
  refused(t, { type: 'vram.allocated', data: { ...allocated, requested_bytes: 1.5 } }, 'data.requested_bytes', 'float');
  refused(
    t,
    { type: 'vram.allocated', data: { ...allocated, requested_bytes: -1 } },
    'data.requested_bytes',
    'negative count',
  );
  refused(
    t,
    { type: 'vram.allocated', data: { ...allocated, used_bytes: 2 ** 53 } },
    'data.used_bytes',
    'unsafe integer',
  );
  refused(t, { type: 'vram.allocated', data: { ...allocated, extra: 1 } }, 'data.extra', 'unknown field');
  const { worker_id: _, ...noWorker } = allocated;
  refused(t, { type: 'vram.allocated', data: noWorker }, 'data.worker_id', 'missing field');
  refused(
    t,
    { type: 'vram.allocated', data: { ...allocated, timestamp: '2026-11-23 19:01' } },
    'data.timestamp',
    'bad timestamp',
  );
  refused(
    t,
    { type: 'vram.allocated', data: { ...allocated, worker_id: 'x'.repeat(257) } },
    'data.worker_id',
    'id > 256',
  );
  refused(t, { type: 'vram.allocated', data: { ...allocated, worker_id: '' } }, 'data.worker_id', 'empty id');
  const sealed = {
    timestamp: ts,
    shard_id: 's',
    gpu_device: 0,
    vram_bytes: 1,
    digest: 'ab'.repeat(32),
    worker_id: 'w',
  };
  t.ok(validateEvent({ type: 'vram.sealed', data: sealed }));
  refused(t, { type: 'vram.sealed', data: { ...sealed, digest: 'AB'.repeat(32) } }, 'data.digest', 'uppercase digest');
  refused(t, { type: 'vram.sealed', data: { ...sealed, digest: 'ab'.repeat(31) } }, 'data.digest', 'short digest');
  refused(
    t,
    { type: 'vram.sealed', data: { ...sealed, digest: null } },
    'data.digest',
    'null digest where one is required',
  );
  const failed = {
    timestamp: ts,
    shard_id: 's',
    reason: 'r',
    expected_digest: null,
    actual_digest: 'cd'.repeat(32),
    worker_id: 'w',
    severity: 'critical',
  };
  t.equal(
    validateEvent({ type: 'seal.verification_failed', data: failed }).severity,
    'critical',
    'digests may be null',
  );
  refused(
    t,
    { type: 'seal.verification_failed', data: { ...failed, severity: 'fatal' } },
    'data.severity',
    'bad severity field',
  );
  refused(t, { type: 'vram.allocated', data: allocated, severity: 'loud' as never }, 'severity', 'bad event severity');
});

t.test('string rules', async (t) => {
  const ev = (details: unknown): AuditEvent => ({
    type: 'security.policy_violation',
    data: {
      timestamp: ts,
      policy: 'p',
      violation: 'v',
      details,
      severity: 'critical',
      worker_id: 'w',
      action_taken: 'a',
    },
  });
  t.ok(validateEvent(ev('tab\tlf\ncr\r ünïcode 😀')));
  t.ok(validateEvent(ev('x'.repeat(1024))));
  t.ok(validateEvent(ev('😀'.repeat(1024))), '1024 code points even when 2048 UTF-16 units');
  refused(t, ev('x'.repeat(1025)), 'data.details', '1025 characters');
  refused(t, ev('nul\u0000'), 'data.details', 'NUL');
  refused(t, ev('esc\u001b[31m'), 'data.details', 'ESC');
  refused(t, ev('del\u007f'), 'data.details', 'DEL');
  refused(t, ev('c1\u0085'), 'data.details', 'C1 control');
  refused(t, ev('bidi\u202e'), 'data.details', 'RLO');
  refused(t, ev('isolate\u2066'), 'data.details', 'LRI');
  refused(t, ev('lone \ud800 high'), 'data.details', 'lone high surrogate');
  refused(t, ev('lone \udc00 low'), 'data.details', 'lone low surrogate');
  refused(t, ev(42), 'data.details', 'number for text');
});

t.test('secrets are refused; fingerprints accepted', async (t) => {
  const created = { timestamp: ts, token_fingerprint: 'a1b2c3d4e5f60718', subject_id: 'alice', worker_id: 'w' };
  t.ok(validateEvent({ type: 'token.created', data: created }));
  refused(
    t,
    { type: 'token.created', data: { ...created, token_fingerprint: 'worker-token-ABCDEFGHIJKLMNOP' } },
    'data.token_fingerprint',
    'raw token in fingerprint field',
  );
  refused(
    t,
    { type: 'token.created', data: { ...created, token: 'x' } },
    'data.token',
    'token field in catalogue event',
  );
  refused(t, { type: 'app.login', data: { api_key: 'k' } }, 'data.api_key', 'custom api_key');
  refused(t, { type: 'app.login', data: { nested: { password: 'p' } } }, 'data.nested.password', 'nested password');
  refused(t, { type: 'app.login', data: { header: 'Bearer abc.def' } }, 'data.header', 'bearer value');
  refused(t, { type: 'app.login', data: { x: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc' } }, 'data.x', 'JWT value');
  refused(
    t,
    { type: 'app.login', data: { session_token_fingerprint: 'not-hex' } },
    'data.session_token_fingerprint',
    'bad custom fingerprint',
  );
  t.ok(
    validateEvent({ type: 'app.login', data: { session_token_fingerprint: 'ab'.repeat(16), input_tokens: 5 } }),
    'fingerprints and *_tokens counts are fine',
  );
  try {
    validateEvent({ type: 'token.created', data: { ...created, token_fingerprint: 'SECRET-VALUE-123' } });
  } catch (err) {
    t.notMatch(String((err as Error).message), /SECRET-VALUE/, 'the value is never echoed');
  }
});

t.test('custom events and reserved namespaces', async (t) => {
  t.equal(
    validateEvent({ type: 'billing.invoice_sent', data: { n: 1, tags: ['a'], ok: true, none: null, o: { p: 1 } } })
      .severity,
    'info',
  );
  refused(t, { type: 'vram.custom_thing', data: {} }, 'type', 'unknown type in a built-in namespace');
  refused(
    t,
    { type: 'audit.gap', data: { count: 1, first_dropped_at: ts, last_dropped_at: ts } },
    'type',
    'logger-only type',
  );
  refused(t, { type: 'Billing.x', data: {} }, 'type', 'uppercase type');
  refused(t, { type: 'billing', data: {} }, 'type', 'undotted type');
  refused(t, { type: 'billing.x', data: { v: 0.5 } }, 'data.v', 'float in custom data');
  refused(t, { type: 'billing.x', data: { v: Infinity } }, 'data.v', 'Infinity');
  refused(t, { type: 'billing.x', data: { list: new Array(257).fill(1) } }, 'data.list', 'array over 256');
  refused(t, { type: 'billing.x', data: { CamelCase: 1 } }, 'data.CamelCase', 'non snake_case member');
  refused(t, { type: 'billing.x', data: { d: new Date() } }, 'data.d', 'non-plain object');
  let deep: Record<string, unknown> = { v: 1 };
  for (let i = 0; i < 10; i++) deep = { n: deep };
  refused(t, { type: 'billing.x', data: deep }, 'data' + '.n'.repeat(9), 'nesting over 8');
  refused(t, { type: 'billing.x', data: [] as never }, 'data', 'array as data');
});

t.test('a refused event is never half-written', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'w1', flush: { mode: 'immediate' }, operationalLog: quietLog });
  const a = log.emit(verifiedEvent(1));
  t.throws(
    () => log.emit({ type: 'seal.verified', data: { timestamp: ts, shard_id: 's\u0000', worker_id: 'w' } }),
    InvalidAuditEventError,
  );
  const b = log.emit(verifiedEvent(2));
  t.equal(b.seq, a.seq + 1, 'no seq was consumed by the refused event');
  await log.close();
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
  const shards = (await queryAuditLogAll(dir, { types: ['seal.verified'] })).map((r) => r.data.shard_id);
  t.same(shards, ['shard-1', 'shard-2']);
});
