// Real processes: a child emitting in a loop is SIGKILLed at random moments, many times. Every
// reopen must recover, verify, and hold every record the child had been told was durable.
import t from 'tap';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLogger, queryAuditLog, queryAuditLogAll, verifyAuditLog } from '../../lib/audit/index.js';
import { freshDir, quietLog } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// Run the children under the same TypeScript loader tap gives this process.
const tsLoader = process.execArgv.filter((a) => a.includes('typescript'));
const loaderArgs =
  tsLoader.length > 0
    ? tsLoader
    : [`--import=${new URL('../../node_modules/@tapjs/typescript/dist/esm/import.mjs', import.meta.url).href}`];

function startChild(script: string, args: string[]) {
  const child = spawn(process.execPath, [...loaderArgs, join(here, 'fixtures', script), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited, out: () => out, err: () => err };
}

async function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return pred();
}

t.test('SIGKILL at random moments: every reopen recovers and keeps every confirmed record', async (t) => {
  const dir = freshDir(t);
  const modes = ['hybrid', 'immediate', 'batched'] as const;
  const kills = 15;
  let confirmedTotal = 0;
  // Each child is spawned one round early so its start-up overlaps the previous round.
  let next = startChild('crash-child.ts', [dir, modes[0]!]);
  for (let round = 0; round < kills; round++) {
    const mode = modes[round % modes.length]!;
    const c = next;
    c.child.stdin!.write('go\n');
    if (round + 1 < kills) next = startChild('crash-child.ts', [dir, modes[(round + 1) % modes.length]!]);
    const ready = await waitFor(() => c.out().includes('ready\n'), 30_000);
    if (!ready) {
      c.child.kill('SIGKILL');
      next.child.kill('SIGKILL');
      t.fail(`child did not start: ${c.err().slice(0, 500)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 30 + Math.floor(Math.random() * 250)));
    c.child.kill('SIGKILL');
    await c.exited;

    const confirmed = c
      .out()
      .split('\n')
      .filter((l) => /^[CF] \d+ [0-9a-f]{64}$/.test(l))
      .map((l) => l.split(' '))
      .map(([, seq, hash]) => ({ seq: Number(seq), hash: hash! }));
    confirmedTotal += confirmed.length;

    // Reopen in this process: stale lock of the dead child, torn tail if any.
    const log = AuditLogger.open({ dir, service: 'parent', operationalLog: quietLog });
    await log.close();
    const v = await verifyAuditLog(dir);
    if (!v.intact) {
      t.fail(`round ${round} (${mode}): ${v.summary}`);
      next.child.kill('SIGKILL');
      return;
    }
    const bySeq = new Map<number, string>();
    for await (const r of queryAuditLog(dir)) bySeq.set(r.seq, r.hash);
    const missing = confirmed.filter((c) => bySeq.get(c.seq) !== c.hash);
    t.same(
      missing,
      [],
      `round ${round} (${mode}): ${confirmed.length} confirmed records all present; log ${v.summary}`,
    );
  }
  t.ok(confirmedTotal > kills, `${confirmedTotal} confirmations checked over ${kills} kills`);
  const recovered = await queryAuditLogAll(dir, { types: ['audit.recovered'] });
  t.comment(`${recovered.length} reopen(s) cut a torn tail`);
});

t.test('a second process gets AuditLockedError while a logger holds the directory', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'holder', operationalLog: quietLog });
  let c = startChild('lock-child.ts', [dir]);
  await c.exited;
  t.equal(c.out().trim(), 'E_AUDIT_LOCKED', c.err().slice(0, 300));
  await log.close();
  c = startChild('lock-child.ts', [dir]);
  await c.exited;
  t.equal(c.out().trim(), 'OPENED', 'free once the holder closed');
  t.ok((await verifyAuditLog(dir)).intact);
});
