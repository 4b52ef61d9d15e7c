// Issue 21 item 5: every duration option is checked against what a Node timer holds (2^31 − 1 ms,
// ≈ 24.8 days). A longer one used to be clamped to 1 ms with a TimeoutOverflowWarning — a
// checkpoint every 25 days became hundreds of notes a second. Checkpoints, the flush delay, the
// write retry backoff, the shipper's poll/ack/connect/backoff and `seal --hold --interval`.
import t from 'tap';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger } from '../../lib/audit/index.js';
import { AuditShipper } from '../../lib/fleet/index.js';
import { cliIn } from '../helpers/run-cli.js';
import { quietLog } from './helpers.js';

const base = mkdtempSync(join(tmpdir(), 'vrr-durations-'));
const dir = () => join(base, `log-${randomBytes(4).toString('hex')}`);
const keyPem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const MAX_MS = 2 ** 31 - 1;
const MAX_S = Math.floor(MAX_MS / 1000);

const overflow: string[] = [];
process.on('warning', (w) => {
  if (w.name === 'TimeoutOverflowWarning') overflow.push(w.message);
});

t.test('checkpoints.everySeconds past what a timer holds is E_ARG; the longest that fits works', async (t) => {
  const checkpoints = (everySeconds: unknown) => ({ privateKey: keyPem, keyName: 'k.audit', everySeconds });
  for (const bad of [25 * 86400, MAX_S + 1, 0, 1.5, '60', Number.POSITIVE_INFINITY]) {
    t.throws(
      () =>
        AuditLogger.open({
          dir: dir(),
          service: 's',
          operationalLog: quietLog,
          checkpoints: checkpoints(bad) as never,
        }),
      { code: 'E_ARG', message: /checkpoints\.everySeconds/ },
      `everySeconds ${String(bad)}`,
    );
  }
  const d = dir();
  const log = AuditLogger.open({
    dir: d,
    service: 's',
    operationalLog: quietLog,
    checkpoints: checkpoints(MAX_S) as never,
  });
  log.emit({ type: 'app.ping', data: {} });
  await log.flush();
  await new Promise((r) => setImmediate(r));
  await log.close();
  t.equal(readdirSync(join(d, 'checkpoints')).filter((n) => n.endsWith('.note')).length, 1, 'one note, at close');
  t.same(overflow, [], 'no TimeoutOverflowWarning');
});

t.test('flush.maxDelayMs and retryBackoffMs are timer waits', async (t) => {
  const open = (extra: object) => () =>
    AuditLogger.open({ dir: dir(), service: 's', operationalLog: quietLog, ...extra });
  t.throws(open({ flush: { mode: 'batched', maxDelayMs: MAX_MS + 1 } }), {
    code: 'E_ARG',
    message: /flush\.maxDelayMs.*24\.8 days/,
  });
  t.throws(open({ retryBackoffMs: { initial: 10, max: 2 ** 32 } }), { code: 'E_ARG', message: /retryBackoffMs\.max/ });
  t.throws(open({ retryBackoffMs: { initial: 100, max: 10 } }), {
    code: 'E_ARG',
    message: /retryBackoffMs\.max.*from 100/,
  });
  t.throws(open({ retryBackoffMs: { max: 10 } }), { code: 'E_ARG', message: /retryBackoffMs\.initial/ });
  t.throws(open({ retryBackoffMs: 5 }), { code: 'E_ARG', message: /retryBackoffMs\.initial/ });
  const ok = AuditLogger.open({
    dir: dir(),
    service: 's',
    operationalLog: quietLog,
    flush: { mode: 'batched', maxDelayMs: MAX_MS },
    retryBackoffMs: { initial: 1, max: MAX_MS },
  });
  await ok.close();
  t.same(overflow, []);
});

t.test("the shipper's durations are checked before it connects", async (t) => {
  for (const [name, extra] of [
    ['pollMs', { pollMs: MAX_MS + 1 }],
    ['ackTimeoutMs', { ackTimeoutMs: 0 }],
    ['connectTimeoutMs', { connectTimeoutMs: 30 * 86_400_000 }],
    ['backoffMs.max', { backoffMs: { initial: 100, max: MAX_MS + 1 } }],
  ] as const) {
    await t.rejects(
      AuditShipper.start({ dir: base, nats: 'nats://127.0.0.1:9', ...extra }),
      { code: 'E_ARG', message: new RegExp(name.replace('.', '\\.')) },
      name,
    );
  }
});

t.test('seal --hold --interval beyond a timer is a usage error before anything is sealed', async (t) => {
  const shard = join(base, 'shard.bin');
  writeFileSync(shard, randomBytes(5000));
  const r = cliIn(base)([
    'seal',
    shard,
    '--simulate',
    '--audit-dir',
    join(base, 'audit'),
    '--hold',
    '--interval',
    '2500000',
    '--json',
  ]);
  t.equal(r.status, 2, r.stderr);
  t.match(r.json, { ok: false, error: { code: 'E_ARG', message: /--interval.*24\.8 days/ } });
});
