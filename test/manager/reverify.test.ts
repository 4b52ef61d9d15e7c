// The re-verification policy workers share with `seal --hold` (lib/manager/reverify.ts), on the
// host-simulated device with the real manager: rounds sampled, full every Nth, an AbortSignal ends
// it, a bit flipped while resident rejects with E_SEAL_VERIFICATION (audited), bad policies are E_ARG.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, queryAuditLogAll } from '../../lib/audit/index.js';
import { reverifyResident, type ReverifyRound } from '../../lib/manager/reverify.js';
import { openSimManager } from '../helpers/sim-manager.js';

async function open(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-reverify-'));
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1', flush: { mode: 'hybrid' } });
  const manager = await openSimManager(audit);
  t.teardown(async () => {
    await manager.close();
    await audit.close();
  });
  return { dir, audit, manager };
}

t.test('sampled rounds, full every Nth, until the signal aborts', async (t) => {
  const { manager } = await open(t);
  const shards = [await manager.sealBytes(randomBytes(9 * 4096)), await manager.sealBytes(randomBytes(5000))];
  const stop = new AbortController();
  const seen: ReverifyRound[] = [];
  const rounds = await reverifyResident(manager, shards, {
    intervalSeconds: 0.001,
    samples: 2,
    fullEvery: 3,
    signal: stop.signal,
    onRound: (r) => {
      seen.push(r);
      if (r.round === 7) stop.abort();
    },
  });
  t.equal(rounds, 7);
  t.same(
    seen.map((r) => r.mode),
    ['sample', 'sample', 'full', 'sample', 'sample', 'full', 'sample'],
  );
  t.ok(
    seen.every((r) => r.results.length === 2 && r.results.every((x) => x.ok)),
    'every shard verified every round',
  );
  t.same(
    seen[0]!.results.map((x) => x.leavesChecked),
    [2, 2],
    'a sampled round re-hashes `samples` leaves',
  );
  t.same(
    seen[2]!.results.map((x) => x.leavesChecked),
    [9, 2],
    'a full round re-hashes every leaf',
  );
});

t.test('an aborted signal ends the wait at once and counts only whole rounds', async (t) => {
  const { manager } = await open(t);
  const shard = await manager.sealBytes(randomBytes(4096));
  const stop = new AbortController();
  stop.abort();
  t.equal(await reverifyResident(manager, [shard], { intervalSeconds: 3600, signal: stop.signal }), 0);
  const later = new AbortController();
  const pending = reverifyResident(manager, [shard], { intervalSeconds: 3600, signal: later.signal });
  later.abort(); // during the hour-long wait: the promise settles now, not in an hour
  t.equal(await pending, 0);
});

t.test('a change while resident rejects with E_SEAL_VERIFICATION, audited', async (t) => {
  const { dir, manager } = await open(t);
  const shard = await manager.sealBytes(randomBytes(8 * 4096));
  const stop = new AbortController();
  let rounds = 0;
  const run = reverifyResident(manager, [shard], {
    intervalSeconds: 0.001,
    fullEvery: 2,
    signal: stop.signal,
    onRound: () => {
      rounds++;
      if (rounds === 1) void manager.injectFaultForTesting(shard, 3 * 4096 + 5, 0x10);
    },
  });
  await t.rejects(run, { code: 'E_SEAL_VERIFICATION' });
  t.ok(rounds <= 2, 'caught by the full round at the latest');
  const failures = await queryAuditLogAll(join(dir, 'audit'), { types: ['seal.verification_failed'] });
  t.equal(failures.length, 1);
  stop.abort();
});

t.test('bad policies are E_ARG before anything runs', async (t) => {
  const { manager } = await open(t);
  const signal = new AbortController().signal;
  const bad: [string, unknown][] = [
    ['intervalSeconds', { intervalSeconds: 0, signal }],
    ['intervalSeconds', { intervalSeconds: 30 * 86400, signal }],
    ['intervalSeconds', { intervalSeconds: '5', signal }],
    ['signal', { intervalSeconds: 1 }],
    ['samples', { intervalSeconds: 1, signal, samples: 0 }],
    ['fullEvery', { intervalSeconds: 1, signal, fullEvery: 1.5 }],
    ['policy', null],
  ];
  for (const [argument, policy] of bad) {
    await t.rejects(
      reverifyResident(manager, [], policy as never),
      { code: 'E_ARG', argument },
      JSON.stringify(policy),
    );
  }
  await t.rejects(reverifyResident({} as never, [], { intervalSeconds: 1, signal }), { code: 'E_ARG' });
});
