#!/usr/bin/env node
// Fleet shipping against a real nats-server on loopback (its own file store), in one run:
//  1. local write rate: the audit logger writing the backlog (batched, durable at flush);
//  2. backlog: AuditShipper --once over that log into a file-storage stream (connect included),
//     beside the NATS client's own js.publish with the same window as the peer;
//  3. steady state: a writer emitting 5k events/s while the shipper follows, once with the default
//     writer (hybrid, batches up to 50 ms) and once flushing every 5 ms; lag = stream
//     acknowledgement − emit, per record (so it includes the writer's own batching delay).
// The CPU both processes used per backlog record is printed too: on a shared machine it is the
// steadier figure, and it bounds what an idle machine can reach.
//  0. as a user runs it: `vram-residency audit ship DIR --once` as a child process, timed from its
//     start to its exit plus one count of the stream, on a plain server, with an nkey identity under
//     the permissions of docs/fleet.md, and over TLS (test CA, client certificate, token).
// Run `npm run build` first.   node bench/fleet.mjs [--quick]   (100k backlog, 10 s steady; --quick: 20k, 3 s)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createUser } from '@nats-io/nkeys';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Logger } from 'tslog';
import { AuditLogger } from '../dist/audit/index.js';
import { listSegments } from '../dist/audit/write/segments.js';
import { AuditShipper } from '../dist/fleet/index.js';
import { findNatsServer, NatsServer } from '../test/fleet/nats-server.mjs';
import { makePki } from '../test/fleet/pki.mjs';

const quick = process.argv.includes('--quick');
const BACKLOG = quick ? 20_000 : 100_000;
const STEADY_SECONDS = quick ? 3 : 10;
const RATE = 5000;
const WINDOW = 1024;

if (!findNatsServer()) {
  console.log('fleet bench: skipped — nats-server is not installed (apt-get install nats-server)');
  process.exit(0);
}
const root = mkdtempSync(join(tmpdir(), 'vram-bench-fleet-'));
const quiet = new Logger({ type: 'hidden' });
const event = (i) => ({
  type: 'vram.allocated',
  data: {
    timestamp: '2026-11-23T19:01:45.100Z',
    requested_bytes: 200000 + i,
    allocated_bytes: 200000 + i,
    available_bytes: 80000000000,
    used_bytes: 200000 * i,
    gpu_device: 0,
    worker_id: 'worker-1',
  },
});
const turn = () => new Promise((r) => setImmediate(r));
/** CPU milliseconds (user + system) a process has used so far, from /proc (Linux). */
const cpuMsOf = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
};
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** A writer emitting RATE events/s while a shipper follows; lag per record = stream ack − emit. */
async function steady(server, name, flush) {
  const sdir = join(root, name);
  const slog = AuditLogger.open({ dir: sdir, service: name, flush, operationalLog: quiet });
  const follower = await AuditShipper.start({ dir: sdir, nats: server.url, maxInFlight: WINDOW, pollMs: 50 });
  const emitted = new Map();
  const lags = [];
  follower.on('acked', (seq) => {
    const at = emitted.get(seq);
    if (at !== undefined) {
      lags.push(performance.now() - at);
      emitted.delete(seq);
    }
  });
  const end = performance.now() + STEADY_SECONDS * 1000;
  let n = 0;
  const started = performance.now();
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) / 1000) * RATE);
    while (n < due) {
      const r = slog.emit(event(n++));
      emitted.set(r.seq, performance.now());
    }
    await new Promise((r) => setTimeout(r, 10)); // RATE / 100 events per tick
  }
  await slog.close();
  const rate = n / ((performance.now() - started) / 1000);
  await new Promise((r) => setTimeout(r, 500));
  const final = await follower.stop();
  lags.sort((a, b) => a - b);
  return { rate, lags, final };
}

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** `audit ship --once` as a child: wall time from spawn to exit + one stream count, and its CPU (from /usr/bin/time). */
async function userRun(dir, url, flags, env, countWith) {
  const t0 = performance.now();
  const child = spawn(
    '/usr/bin/time',
    ['-f', '%U %S', process.execPath, CLI, 'audit', 'ship', dir, '--nats', url, '--once', '--json', ...flags],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`audit ship exited ${code}: ${out.slice(-500)} ${err.slice(-500)}`);
  const nc = await connect({ servers: url, ...countWith });
  const info = await (await jetstreamManager(nc)).streams.info('VRAM_AUDIT', { subjects_filter: 'vram.audit.>' });
  await nc.close();
  const seconds = (performance.now() - t0) / 1000;
  const [user, sys] = err.trim().split('\n').at(-1).split(' ').map(Number);
  const published = JSON.parse(out).published;
  return {
    published,
    stored: info.state.messages,
    seconds,
    rate: published / seconds,
    cpuUs: ((user + sys) * 1e6) / published,
  };
}

const loadAtStart = loadavg()[0];
const server = await NatsServer.start({ storeDir: join(root, 'store') });
try {
  // 1. Local write rate.
  const dir = join(root, 'backlog');
  const log = AuditLogger.open({ dir, service: 'backlog', flush: { mode: 'batched' }, operationalLog: quiet });
  let t0 = performance.now();
  for (let i = 0; i < BACKLOG; ) {
    for (let k = 0; k < 500 && i < BACKLOG; k++) {
      try {
        log.emit(event(i));
        i++;
      } catch {
        break; // queue full: give the writer a turn
      }
    }
    await turn();
  }
  await log.flush();
  const writeRate = BACKLOG / ((performance.now() - t0) / 1000);
  await log.close();
  const lines = listSegments(dir).flatMap((s) =>
    readFileSync(join(dir, s.name), 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );

  // 0. As a user runs it: the CLI as a child, start to exit plus one count, three ways.
  const userRuns = [];
  {
    const plain = await NatsServer.start({ storeDir: join(root, 'store-user') });
    try {
      userRuns.push(['no credentials', await userRun(dir, plain.url, [], {}, {})]);
    } finally {
      await plain.stop();
    }
    const user = createUser();
    const seedFile = join(root, 'worker.nk');
    writeFileSync(seedFile, new TextDecoder().decode(user.getSeed()), { mode: 0o600 });
    const docs = readFileSync(fileURLToPath(new URL('../docs/fleet.md', import.meta.url)), 'utf8');
    const config = /```conf\n([\s\S]*?)```/.exec(docs)[1].replaceAll('gpu-node-1', 'backlog');
    const permitted = await NatsServer.start({
      storeDir: join(root, 'store-nkey'),
      config,
      env: { GPU_NODE_1_NKEY: user.getPublicKey(), GPU_NODE_2_PASSWORD: 'unused-2', VERIFIER_PASSWORD: 'unused-v' },
    });
    try {
      const { nkeyAuthenticator } = await import('@nats-io/transport-node');
      const auth = { authenticator: nkeyAuthenticator(user.getSeed()) };
      userRuns.push([
        'nkey identity, docs/fleet.md permissions',
        await userRun(dir, permitted.url, ['--nkey', seedFile], {}, auth),
      ]);
    } finally {
      await permitted.stop();
    }
    const pki = makePki(join(root, 'pki'));
    const tlsConf = `authorization { token: $BENCH_TOKEN }\ntls { cert_file: "${pki.serverCert}", key_file: "${pki.serverKey}", ca_file: "${pki.ca}", verify: true }\n`;
    const tlsServer = await NatsServer.start({
      storeDir: join(root, 'store-tls'),
      config: tlsConf,
      env: { BENCH_TOKEN: 'bench-token-0123' },
    });
    try {
      const url = `tls://127.0.0.1:${tlsServer.port}`;
      const flags = [
        '--token-env',
        'BENCH_TOKEN',
        '--tls-ca',
        pki.ca,
        '--tls-cert',
        pki.clientCert,
        '--tls-key',
        pki.clientKey,
      ];
      const { tokenAuthenticator } = await import('@nats-io/transport-node');
      const countWith = {
        authenticator: tokenAuthenticator('bench-token-0123'),
        tls: { caFile: pki.ca, certFile: pki.clientCert, keyFile: pki.clientKey },
      };
      userRuns.push([
        'TLS (client certificate) + token',
        await userRun(dir, url, flags, { BENCH_TOKEN: 'bench-token-0123' }, countWith),
      ]);
    } finally {
      await tlsServer.stop();
    }
  }

  // 2a. Backlog through the shipper in this process, with the CPU both sides used (the machine is shared, so
  // CPU per record is the steadier figure: wall-clock rate is bounded by it on an idle machine).
  const cpu0 = process.cpuUsage();
  const srv0 = cpuMsOf(server.proc.pid);
  t0 = performance.now();
  const shipper = await AuditShipper.start({ dir, nats: server.url, once: true, maxInFlight: WINDOW });
  const shipped = await shipper.done;
  const shipRate = shipped.published / ((performance.now() - t0) / 1000);
  const cpu1 = process.cpuUsage(cpu0);
  const shipperUs = (cpu1.user + cpu1.system) / shipped.published;
  const serverUs = ((cpuMsOf(server.proc.pid) - srv0) * 1000) / shipped.published;

  // 2b. The same lines through the client's js.publish (msgID set, WINDOW in flight), another subject.
  const nc = await connect({ servers: server.url });
  const js = jetstream(nc);
  await jetstreamManager(nc);
  t0 = performance.now();
  const inflight = new Set();
  for (let i = 0; i < lines.length; i++) {
    const p = js.publish('vram.audit.peer', lines[i], { msgID: `peer-${i}` }).then(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= WINDOW) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const peerRate = lines.length / ((performance.now() - t0) / 1000);
  await nc.close();

  // 3. Steady state at RATE events/s: the default writer (hybrid, batches up to 50 ms), and one
  // flushing every 5 ms so that the shipper's own share of the lag shows.
  const steadyRuns = [
    ['hybrid writer (default, ≤ 50 ms batches)', await steady(server, 'steady-default', { mode: 'hybrid' })],
    ['hybrid writer, 5 ms batches', await steady(server, 'steady-5ms', { mode: 'hybrid', maxDelayMs: 5 })],
  ];
  console.log(
    `fleet bench: nats-server on 127.0.0.1, file storage; backlog ${BACKLOG} records; steady ${RATE} events/s for ${STEADY_SECONDS} s`,
  );
  console.log(`load average before: ${loadAtStart.toFixed(1)}`);
  console.log(
    '| as a user runs it: `audit ship --once` (process start → exit + one stream count) | records | seconds | records/s | shipper CPU µs/record |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, r] of userRuns) {
    if (r.stored !== r.published)
      throw new Error(`${name}: the stream holds ${r.stored}, ${r.published} were published`);
    console.log(
      `| ${name} | ${r.published} | ${r.seconds.toFixed(2)} | ${Math.round(r.rate).toLocaleString('en-US')} | ${r.cpuUs.toFixed(1)} |`,
    );
  }
  console.log('');
  console.log('| contender (in this process) | records/s | ratio to local write |');
  console.log('|---|---:|---:|');
  console.log(
    `| local write (AuditLogger batched, fsynced) | ${Math.round(writeRate).toLocaleString('en-US')} | 1.00 |`,
  );
  console.log(
    `| AuditShipper backlog in process (--once, ${WINDOW} in flight, no process start) | ${Math.round(shipRate).toLocaleString('en-US')} | ${(shipRate / writeRate).toFixed(2)} |`,
  );
  console.log(
    `| peer: js.publish, msgID, ${WINDOW} in flight | ${Math.round(peerRate).toLocaleString('en-US')} | ${(peerRate / writeRate).toFixed(2)} |`,
  );
  console.log(`AuditShipper vs js.publish: ${(shipRate / peerRate).toFixed(2)}x`);
  console.log(
    `backlog CPU per record: shipper ${shipperUs.toFixed(1)} µs, nats-server ${serverUs.toFixed(1)} µs ` +
      `(one core each: at most ${Math.round(1e6 / Math.max(shipperUs, serverUs)).toLocaleString('en-US')} records/s on an otherwise idle 2-core machine); load average ${loadavg()[0].toFixed(1)}`,
  );
  console.log('');
  console.log(
    `| steady state → AuditShipper → stream ack | events/s emitted | lag p50 ms | lag p99 ms | lag max ms | records acked | shipped to seq |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, { rate, lags, final }] of steadyRuns) {
    console.log(
      `| ${name} | ${Math.round(rate).toLocaleString('en-US')} | ${pct(lags, 0.5).toFixed(1)} | ${pct(lags, 0.99).toFixed(1)} | ${lags[lags.length - 1].toFixed(1)} | ${lags.length} | ${final.shippedSeq} |`,
    );
  }
  console.log(`load average at the end: ${loadavg()[0].toFixed(1)}`);
} finally {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}
