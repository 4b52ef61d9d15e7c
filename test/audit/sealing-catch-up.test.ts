// Missed epochs and sealed logs reopened (issue 21, items 3 and 4), with real processes and files:
// a writer reopened after a one-day gap with 1 s epochs seals every missed epoch (SPEC §6) in one
// batch with a constant number of fsyncs and the log verifies with its key; a SIGKILL after that
// batch is durable and before the state moves on is completed on reopen; a clock jump past the
// horizon is refused before anything is written; a sealed log opened without sealing is refused.
// The writers here have stopped by the time the log is verified (1 s epochs), so acceptStale.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLogger, queryAuditLogAll, verifyAuditLog } from '../../lib/audit/index.js';
import { quietLog, tsLoaderArgs, verifiedEvent } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const DAY = 86_400_000;

interface ChildResult {
  openMs?: number;
  fsyncs?: number;
  error?: { code: string; message: string };
  signal: NodeJS.Signals | null;
}

function runChild(plan: Record<string, unknown>): Promise<ChildResult> {
  const child = spawn(
    process.execPath,
    [...tsLoaderArgs, join(here, 'fixtures', 'catch-up-child.ts'), JSON.stringify(plan)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (_code, signal) => {
      if (signal) return resolve({ signal });
      try {
        resolve({ ...JSON.parse(out), signal });
      } catch {
        reject(new Error(`child said: ${out} ${err.slice(0, 800)}`));
      }
    }),
  );
}

/** A sealed log (1 s epochs) whose writer last ran `agoMs` before now: one record, then closed. */
async function oldLog(agoMs: number, epochSeconds = 1): Promise<{ dir: string; vkeyOut: string; vkey: () => string }> {
  const base = mkdtempSync(join(tmpdir(), 'vr-catch-up-'));
  const dir = join(base, 'log');
  const vkeyOut = join(base, 'vkey.json');
  const then = Date.now() - agoMs;
  const log = AuditLogger.open({
    dir,
    service: 'catch-up',
    operationalLog: quietLog,
    clock: () => then,
    sealing: { epochSeconds, verificationKeyOut: vkeyOut },
  });
  log.emit(verifiedEvent(0));
  await log.close();
  return { dir, vkeyOut, vkey: () => readFileSync(vkeyOut, 'utf8') };
}

const logBytes = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);

t.test('a writer reopened after a one-day gap with 1 s epochs seals every missed epoch in one batch', async (t) => {
  const w = await oldLog(DAY);
  const r = await runChild({ dir: w.dir, vkeyOut: w.vkeyOut, epochSeconds: 1 });
  t.notOk(r.error, JSON.stringify(r.error));
  t.comment(`AuditLogger.open() after a one-day gap (1 s epochs): ${r.openMs!.toFixed(0)} ms, ${r.fsyncs} fsyncs`);
  // One write of the batch (and of the segment it rotates into at UTC midnight), the state noting
  // the batch and the state moving on: a handful, not one or three per epoch (86,400 of them).
  t.ok(r.fsyncs! <= 12, `fsyncs during open: ${r.fsyncs}`);
  const epochs = (await queryAuditLogAll(w.dir, { types: ['audit.epoch_sealed'] })).map((x) => x.data.epoch as number);
  t.ok(epochs.length >= DAY / 1000, `${epochs.length} seals`);
  t.ok(
    epochs.every((e, i) => e === i),
    'one seal per epoch, in order, from epoch 0 without a gap',
  );
  const v = await verifyAuditLog(w.dir, { verificationKey: w.vkey(), acceptStale: true });
  t.equal(v.intact, true, v.summary);
  t.equal(v.sealing?.epochsSealed, epochs.length);
  t.equal(JSON.parse(readFileSync(join(w.dir, 'audit.sealing-state.json'), 'utf8')).batchThrough, undefined);
});

t.test('a SIGKILL after the batch is durable and before the state moves on is completed on reopen', async (t) => {
  const w = await oldLog(600_000);
  // Rename 1 notes the batch in the state file, rename 2 moves it on once the batch is durable.
  const killed = await runChild({ dir: w.dir, vkeyOut: w.vkeyOut, epochSeconds: 1, killAtStateRename: 2 });
  t.equal(killed.signal, 'SIGKILL');
  const state = JSON.parse(readFileSync(join(w.dir, 'audit.sealing-state.json'), 'utf8'));
  t.equal(state.epoch, 0, 'the state still names the epoch running before the gap');
  t.ok(state.batchThrough > 590, 'and notes the batch');
  const seals = await queryAuditLogAll(w.dir, { types: ['audit.epoch_sealed'] });
  t.ok(seals.length > 590, `the batch was durable: ${seals.length} seals`);

  const again = await runChild({ dir: w.dir, vkeyOut: w.vkeyOut, epochSeconds: 1 });
  t.notOk(again.error, JSON.stringify(again.error));
  const v = await verifyAuditLog(w.dir, { verificationKey: w.vkey(), acceptStale: true });
  t.equal(v.intact, true, v.summary);
  const epochs = (await queryAuditLogAll(w.dir, { types: ['audit.epoch_sealed'] })).map((x) => x.data.epoch as number);
  t.ok(
    epochs.every((e, i) => e === i),
    'each epoch sealed once, in order',
  );
});

t.test('the state noting a batch does not excuse a state that is behind by more than the batch', async (t) => {
  const w = await oldLog(30_000);
  const killed = await runChild({ dir: w.dir, vkeyOut: w.vkeyOut, epochSeconds: 1, killAtStateRename: 1 });
  t.equal(killed.signal, 'SIGKILL', 'killed while noting the batch: nothing of it was written');
  const again = await runChild({ dir: w.dir, vkeyOut: w.vkeyOut, epochSeconds: 1 });
  t.notOk(again.error, JSON.stringify(again.error));
  const v = await verifyAuditLog(w.dir, { verificationKey: w.vkey(), acceptStale: true });
  t.equal(v.intact, true, v.summary);
});

t.test('a clock jump past the horizon is refused with a clear error before anything is written', async (t) => {
  const w = await oldLog(0);
  const before = logBytes(w.dir);
  const years = await runChild({
    dir: w.dir,
    vkeyOut: w.vkeyOut,
    epochSeconds: 1,
    clockMs: Date.now() + 5 * 365 * DAY,
  });
  t.match(years.error, {
    code: 'E_AUDIT_SEALING_STATE',
    message: /epochs .*past the last sealed epoch.*maxMissedEpochs/,
  });
  t.equal(logBytes(w.dir), before, 'not one seal written');

  // A running writer whose clock jumps: emit refuses with the same code, nothing is written.
  let now = Date.now();
  const base = mkdtempSync(join(tmpdir(), 'vr-catch-up-'));
  const log = AuditLogger.open({
    dir: join(base, 'log'),
    service: 'catch-up',
    operationalLog: quietLog,
    clock: () => now,
    sealing: { epochSeconds: 1, verificationKeyOut: join(base, 'vkey.json'), maxMissedEpochs: 100 },
  });
  now += 101_000;
  t.throws(() => log.emit(verifiedEvent(1)), { code: 'E_AUDIT_SEALING_STATE', message: /101 epochs/ });
  now -= 1000; // 100 epochs behind: within the horizon
  log.emit(verifiedEvent(2));
  await log.close();
  const v = await verifyAuditLog(join(base, 'log'), {
    verificationKey: readFileSync(join(base, 'vkey.json'), 'utf8'),
    acceptStale: true,
    now,
  });
  t.equal(v.intact, true, v.summary);
  t.throws(
    () =>
      AuditLogger.open({
        dir: join(base, 'other'),
        service: 'catch-up',
        sealing: { epochSeconds: 1, verificationKeyOut: join(base, 'k2.json'), maxMissedEpochs: 0 },
      }),
    { code: 'E_ARG', message: /maxMissedEpochs/ },
  );
});

t.test('a sealed log opened without the sealing option is refused, and says how to open it', async (t) => {
  const w = await oldLog(0, 60);
  const before = logBytes(w.dir);
  t.throws(() => AuditLogger.open({ dir: w.dir, service: 'catch-up', operationalLog: quietLog }), {
    code: 'E_AUDIT_SEALING_STATE',
    message: /is sealed .*open it with the sealing option sealing: \{ epochSeconds: 60, verificationKeyOut/,
  });
  t.equal(logBytes(w.dir), before, 'no unsealed record was written');
  // Opened the right way, it goes on and verifies.
  const log = AuditLogger.open({
    dir: w.dir,
    service: 'catch-up',
    operationalLog: quietLog,
    sealing: { epochSeconds: 60, verificationKeyOut: w.vkeyOut },
  });
  log.emit(verifiedEvent(3));
  await log.close();
  t.equal((await verifyAuditLog(w.dir, { verificationKey: w.vkey(), acceptStale: true })).intact, true);
});
