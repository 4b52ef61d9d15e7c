// The SPEC §8 part of bench/audit.mjs (--tlog N): an N-record log written by the logger (tree kept
// as it goes), then `audit prove` timed for random seqs (the library call, and whole CLI
// processes), then the cost of reopening the log after its writer was SIGKILLed mid-write.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from 'tslog';
import { AuditLogger, proveRecord } from '../dist/index.js';

const quiet = new Logger({ type: 'hidden' });
const cliPath = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const turn = () => new Promise((r) => setImmediate(r));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function writeLog(dir, n, key) {
  const log = AuditLogger.open({
    dir,
    service: 'bench',
    flush: { mode: 'batched' },
    operationalLog: quiet,
    checkpoints: { privateKey: key, everySeconds: 3600 },
  });
  const ts = '2026-11-23T19:01:45.100Z';
  for (let i = 0; i < n; i++) {
    try {
      log.emit({ type: 'seal.verified', data: { timestamp: ts, shard_id: `shard-${i}`, worker_id: 'worker-1' } });
    } catch {
      i--;
      await log.flush();
    }
    if (i % 500 === 0) await turn();
    if (i % 100_000 === 0 && i > 0) process.stderr.write(`  ${i} records\n`);
  }
  await log.close();
}

export async function benchTlog(n, root, key) {
  const dir = join(root, 'big');
  let t0 = process.hrtime.bigint();
  await writeLog(dir, n, key);
  const writeMs = ms(t0);
  const size = n + 2; // + audit.log_opened, audit.log_closed
  const bytes = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  const lib = [];
  for (let k = 0; k < 50; k++) {
    const seq = Math.floor(Math.random() * size);
    t0 = process.hrtime.bigint();
    proveRecord(dir, { seq });
    lib.push(ms(t0));
  }
  const cli = [];
  for (let k = 0; k < 5; k++) {
    const seq = Math.floor(Math.random() * size);
    t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [
      cliPath,
      'audit',
      'prove',
      dir,
      '--seq',
      String(seq),
      '--out',
      join(root, 'p.tlog-proof'),
    ]);
    cli.push(ms(t0));
    if (r.status !== 0) throw new Error(r.stderr.toString());
  }
  // A writer SIGKILLed mid-write, then the reopen (recovery + the tree's catch-up of the open segment).
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { AuditLogger } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
       const log = AuditLogger.open({ dir: ${JSON.stringify(dir)}, service: 'bench', flush: { mode: 'batched' } });
       let i = 0; process.stdout.write('ready\\n');
       for (;;) { for (let k = 0; k < 500; k++) log.emit({ type: 'seal.verified', data: { timestamp: '2026-11-23T19:01:45.100Z', shard_id: 's' + i++, worker_id: 'w' } }); await new Promise((r) => setImmediate(r)); }`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve) => child.stdout.once('data', resolve));
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  t0 = process.hrtime.bigint();
  const log = AuditLogger.open({ dir, service: 'bench', flush: { mode: 'batched' }, operationalLog: quiet });
  const reopenMs = ms(t0);
  await log.close();
  console.log(
    `audit tlog bench: ${n.toLocaleString('en-US')} records, ${(bytes / 2 ** 20).toFixed(0)} MiB of segments`,
  );
  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(`| write ${n.toLocaleString('en-US')} records (batched, tree kept) | ${(writeMs / 1000).toFixed(1)} s |`);
  console.log(`| proveRecord (library), median of 50 random seqs | ${median(lib).toFixed(2)} ms |`);
  console.log(`| proveRecord (library), max of 50 | ${Math.max(...lib).toFixed(2)} ms |`);
  console.log(`| audit prove (CLI process, incl. Node start), median of 5 | ${median(cli).toFixed(0)} ms |`);
  console.log(`| reopen after SIGKILL (recovery + tree catch-up) | ${reopenMs.toFixed(0)} ms |`);
}
