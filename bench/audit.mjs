#!/usr/bin/env node
// Audit logger throughput and emit latency, with pino writing the same objects to the same disk
// in the same run as the peer. Sustained: events are emitted in chunks of 500 with an event-loop
// turn between chunks (as a busy worker would), until N are accepted; the clock stops when
// everything is durable (audit: flush() resolved = written + fsynced; pino: its async
// destination flushed, no fsync, so pino has the easier job). Run `npm run build` first.
// Every audit contender keeps the SPEC §8 Merkle tree (tlog-tree.hashes); the sealed one also
// writes v2 checkpoints (signed tree roots) every second.
// With --tlog N (e.g. 1000000): instead, writes an N-record log and times `audit prove` (the
// library call the CLI makes, and the CLI process itself) at that size, and the reopen of the log
// after its writer was SIGKILLed mid-write.
//   node bench/audit.mjs [--quick]     (200k events per contender, 40k with --quick)
//   node bench/audit.mjs --tlog 1000000
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Logger } from 'tslog';
import { AuditLogger, queryAuditLogAll } from '../dist/audit/index.js';

const quick = process.argv.includes('--quick');
const N = quick ? 40_000 : 200_000;
const CHUNK = 500;
const root = mkdtempSync(join(tmpdir(), 'vram-bench-audit-'));
const quiet = new Logger({ type: 'hidden' });

const ts = '2026-11-23T19:01:45.100Z';
const allocated = (i) => ({
  type: 'vram.allocated',
  data: {
    timestamp: ts,
    requested_bytes: 200000 + i,
    allocated_bytes: 200000 + i,
    available_bytes: 80000000000,
    used_bytes: 200000 * i,
    gpu_device: 0,
    worker_id: 'worker-1',
  },
});
const verified = (i) => ({
  type: 'seal.verified',
  data: { timestamp: ts, shard_id: `shard-${i}`, worker_id: 'worker-1' },
});
const critical = (i) => ({
  type: 'security.policy_violation',
  data: {
    timestamp: ts,
    policy: 'vram_only',
    violation: 'integrated_gpu',
    details: `n=${i}`,
    severity: 'critical',
    worker_id: 'worker-1',
    action_taken: 'blocked',
  },
});
const eventFor = (i, criticalEvery) =>
  criticalEvery && i % criticalEvery === 0 ? critical(i) : i % 2 ? allocated(i) : verified(i);

const turn = () => new Promise((r) => setImmediate(r));

function percentiles(lat) {
  lat.sort((a, b) => a - b);
  const at = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] / 1000;
  return { p50: at(0.5), p99: at(0.99), max: lat[lat.length - 1] / 1000 };
}

// SPEC §6 on: 1 s epochs and a checkpoint every second, so a run of a second or two seals
// several epochs (one from an emit that crosses the boundary, written through with an fsync)
// and signs several checkpoints — the worst case; real deployments use minutes.
const checkpointKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const sealed = (dir) => ({
  sealing: { epochSeconds: 1, verificationKeyOut: `${dir}.vkey.json` },
  checkpoints: { privateKey: checkpointKey, keyName: 'bench.audit', everySeconds: 1 },
});

async function runAudit(name, flush, criticalEvery, n = N, extra = () => ({})) {
  const dir = join(root, name.replace(/\W+/g, '-'));
  const log = AuditLogger.open({ dir, service: 'bench', flush, operationalLog: quiet, ...extra(dir) });
  const lat = new Float64Array(n);
  let accepted = 0;
  let refused = 0;
  const t0 = process.hrtime.bigint();
  while (accepted < n) {
    for (let k = 0; k < CHUNK && accepted < n; k++) {
      const ev = eventFor(accepted, criticalEvery);
      const s = process.hrtime.bigint();
      try {
        log.emit(ev);
        lat[accepted++] = Number(process.hrtime.bigint() - s);
      } catch {
        refused++;
        break; // queue full: give the writer a turn
      }
    }
    await turn();
  }
  await log.flush();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await log.close();
  const seals = extra(dir).sealing ? (await queryAuditLogAll(dir, { types: ['audit.epoch_sealed'] })).length : 0;
  const note =
    seals > 0 ? ` — ${seals} epochs sealed, ${readdirSync(join(dir, 'checkpoints')).length} checkpoints` : '';
  return { name: name + note, rate: n / secs, ...percentiles(Array.from(lat)), refused };
}

async function runPino() {
  const dest = pino.destination({ dest: join(root, 'pino.log'), sync: false, mkdir: true });
  const logger = pino({ base: { service: 'bench' } }, dest);
  const lat = new Float64Array(N);
  const t0 = process.hrtime.bigint();
  let i = 0;
  while (i < N) {
    for (let k = 0; k < CHUNK && i < N; k++, i++) {
      const ev = eventFor(i, 0);
      const s = process.hrtime.bigint();
      logger.info({ type: ev.type, data: ev.data });
      lat[i] = Number(process.hrtime.bigint() - s);
    }
    await turn();
  }
  await new Promise((resolve, reject) => dest.flush((err) => (err ? reject(err) : resolve())));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  dest.end();
  return { name: 'pino (sync:false, no fsync)', rate: N / secs, ...percentiles(Array.from(lat)), refused: 0 };
}

const tlogAt = process.argv.indexOf('--tlog');
if (tlogAt > 0) {
  const { benchTlog } = await import('./audit-tlog.mjs');
  await benchTlog(Number(process.argv[tlogAt + 1]), root, checkpointKey);
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
}

// The machine's speed drifts over seconds (a shared host), so each audit contender runs right
// after a pino run of its own and its ratio is taken against that run, in several rounds; the
// table gives medians and the range of ratios over the rounds.
const ROUNDS = quick ? 1 : 3;
const batched = { mode: 'batched', maxEvents: 1024, maxDelayMs: 50 };
const contenders = [
  ['audit batched (1024 / 50 ms)', batched, 0],
  ['audit batched + sealing (1 s epochs) + v2 checkpoints (1 s)', batched, 0, sealed],
  ['audit hybrid, no critical', { mode: 'hybrid' }, 0],
  ['audit hybrid, 1 % critical', { mode: 'hybrid' }, 100],
  ['audit immediate', { mode: 'immediate' }, 0],
];
const loadAtStart = loadavg()[0];
// A short warm-up so the first contender does not pay for JIT compilation of the shared code.
await runAudit('warm-up', { mode: 'batched' }, 0, Math.min(N, 20_000));
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const pairs = [];
  for (const [name, flush, criticalEvery, extra] of contenders) {
    const pinoRun = await runPino();
    pairs.push({ pino: pinoRun, audit: await runAudit(`${name} #${round}`, flush, criticalEvery, N, extra) });
  }
  rounds.push(pairs);
}
rmSync(root, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pinoRuns = rounds.flat().map((p) => p.pino);
const rows = [{ name: pinoRuns[0].name, runs: pinoRuns, ratios: [1] }];
for (let i = 0; i < contenders.length; i++)
  rows.push({
    name: rounds[0][i].audit.name.replace(/ #0/, ''),
    runs: rounds.map((r) => r[i].audit),
    ratios: rounds.map((r) => r[i].audit.rate / r[i].pino.rate),
  });
console.log(
  `audit bench: ${N} events per contender, chunks of ${CHUNK} per event-loop turn; peer = pino, run just before each contender; ${ROUNDS} round(s), medians; load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`,
);
console.log(
  '| contender | events/s | ratio to pino (range) | emit p50 µs | emit p99 µs | emit max µs | refused (queue full) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const range = r.ratios.length > 1 ? ` (${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)})` : '';
  console.log(
    `| ${r.name} | ${Math.round(median(r.runs.map((x) => x.rate))).toLocaleString('en-US')} | ${median(r.ratios).toFixed(2)}${range} | ${median(r.runs.map((x) => x.p50)).toFixed(2)} | ${median(r.runs.map((x) => x.p99)).toFixed(2)} | ${Math.max(...r.runs.map((x) => x.max)).toFixed(0)} | ${r.runs.reduce((n, x) => n + x.refused, 0)} |`,
  );
}
