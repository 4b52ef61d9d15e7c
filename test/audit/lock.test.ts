// The directory lock across real processes: many processes taking over one stale lock at once
// leave exactly one writer and no stray files; a lock naming this very process (a restarted
// container reuses its pid) is stale; a claim left by a takeover that died does not wedge the log.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLogger, verifyAuditLog } from '../../lib/audit/index.js';
import { freshDir, quietLog } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsLoader = process.execArgv.filter((a) => a.includes('typescript'));
const loaderArgs =
  tsLoader.length > 0
    ? tsLoader
    : [`--import=${new URL('../../node_modules/@tapjs/typescript/dist/esm/import.mjs', import.meta.url).href}`];

/** The pid of a process that has exited (so a lock naming it is stale). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
    encoding: 'utf8',
  }).stdout.trim() as unknown as number;
}

function staleLock(dir: string, pid: number, token = 'dead0001'): void {
  writeFileSync(join(dir, 'audit.lock'), JSON.stringify({ pid: Number(pid), host: hostname(), token }) + '\n');
}

t.test('several processes taking over one stale lock at once: one writer at a time', async (t) => {
  const dir = freshDir(t);
  mkdirSync(dir, { recursive: true });
  staleLock(dir, deadPid());
  const children = Array.from({ length: 4 }, () => {
    const child = spawn(process.execPath, [...loaderArgs, join(here, 'fixtures', 'lock-race-child.ts'), dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    return { child, out: () => out, exited: new Promise<void>((r) => child.on('exit', () => r())) };
  });
  while (!children.every((c) => c.out().includes('ready'))) await new Promise((r) => setTimeout(r, 20));
  for (const c of children) c.child.stdin!.write('go\n'); // released together
  await Promise.all(children.map((c) => c.exited));
  const outcomes = children.map((c) => c.out().replace('ready\n', '').trim());
  const held = outcomes
    .filter((o) => o.startsWith('OPENED'))
    .map((o) => o.split(' ').slice(1).map(Number) as [number, number])
    .sort((a, b) => a[0] - b[0]);
  t.ok(held.length >= 1, outcomes.join(', '));
  for (let i = 1; i < held.length; i++)
    t.ok(held[i]![0] >= held[i - 1]![1], `holder ${i} began after holder ${i - 1} ended`);
  t.same(
    outcomes.filter((o) => !o.startsWith('OPENED') && o !== 'E_AUDIT_LOCKED'),
    [],
    'no lock lost while held; the others are told the directory is locked',
  );
  t.same(
    readdirSync(dir).filter((n) => n.startsWith('audit.lock')),
    [],
    'no lock, temp or claim files left',
  );
  t.ok((await verifyAuditLog(dir)).intact);
});

t.test("a lock naming this process's own pid, not held here, is stale (restarted container)", async (t) => {
  const dir = freshDir(t);
  mkdirSync(dir, { recursive: true });
  staleLock(dir, process.pid);
  const log = AuditLogger.open({ dir, service: 'restarted', operationalLog: quietLog });
  t.throws(
    () => AuditLogger.open({ dir, service: 'again', operationalLog: quietLog }),
    { code: 'E_AUDIT_LOCKED' },
    'but one held by this process still counts',
  );
  await log.close();
});

t.test('a claim left by a takeover that died does not wedge the directory', async (t) => {
  const dir = freshDir(t);
  mkdirSync(dir, { recursive: true });
  staleLock(dir, deadPid(), 'dead0002');
  writeFileSync(
    join(dir, 'audit.lock.claim-dead0002'),
    JSON.stringify({ pid: Number(deadPid()), host: hostname(), token: 'dead0003' }),
  );
  const log = AuditLogger.open({ dir, service: 'after-claim', operationalLog: quietLog });
  await log.close();
  t.same(
    readdirSync(dir).filter((n) => n.startsWith('audit.lock')),
    [],
  );
});
