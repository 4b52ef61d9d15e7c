// Network cuts between the shipper and the server (a loopback TCP proxy that drops every
// connection and refuses new ones for a while), with a live writer: nothing lost, nothing twice.
// And the CLI follower stops cleanly on SIGTERM with its final status as the one JSON document.
import t from 'tap';
import { spawn } from 'node:child_process';
import { connect as tcpConnect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AuditLogger } from '../../lib/audit/index.js';
import { AuditShipper } from '../../lib/fleet/shipper.js';
import {
  freshDir,
  liveWriter,
  localLines,
  noServer,
  quietLog,
  server,
  streamLines,
  waitFor,
  writeLog,
} from './helpers.js';

async function proxy(t: { teardown(fn: () => unknown): void }, targetPort: number) {
  const sockets = new Set<Socket>();
  let refusing = false;
  const srv = createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())));
  return {
    url: `nats://127.0.0.1:${(srv.address() as { port: number }).port}`,
    cut() {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    heal() {
      refusing = false;
    },
  };
}

t.test('network cuts mid-shipping: every record once, in order', { skip: noServer }, async (t) => {
  const srv = await server(t);
  const net = await proxy(t, srv.port);
  const dir = freshDir();
  const log = AuditLogger.open({
    dir,
    service: 'cut',
    flush: { mode: 'batched', maxEvents: 64, maxDelayMs: 5 },
    operationalLog: quietLog,
  });
  const shipper = await AuditShipper.start({
    dir,
    nats: net.url,
    pollMs: 20,
    ackTimeoutMs: 1000,
    connectTimeoutMs: 1000,
    backoffMs: { initial: 50, max: 300 },
  });
  const writer = liveWriter(log, 40);
  for (let cut = 0; cut < 3; cut++) {
    const before = shipper.health().shippedSeq;
    await waitFor(() => shipper.health().shippedSeq > before + 300, 20_000, 'records shipped before the cut');
    net.cut();
    await waitFor(() => shipper.health().state === 'retrying', 10_000, 'the shipper to notice the cut');
    await new Promise((r) => setTimeout(r, 400));
    net.heal();
  }
  await writer.stop();
  const local = localLines(dir);
  await waitFor(() => shipper.health().shippedSeq === local.length - 1, 30_000, 'the shipper to catch up');
  const h = await shipper.stop();
  t.ok(h.sessions >= 4, `a new connection after each cut (${h.sessions})`);
  t.strictSame(await streamLines(srv.url, 'vram.audit.cut'), local, 'every record once, in order');
});

t.test(
  'audit ship (following) stops on SIGTERM after its acks, final status on stdout',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    const dir = freshDir();
    await writeLog(dir, 500);
    const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
    const child = spawn(
      process.execPath,
      [cli, 'audit', 'ship', dir, '--nats', srv.url, '--json', '--status-interval', '100'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await waitFor(() => err.includes('"state":"idle"'), 20_000, 'the shipper to be caught up');
    child.kill('SIGTERM');
    t.equal(await exited, 0);
    const statuses = err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    t.ok(
      statuses.every((s) => typeof s.lagRecords === 'number' && typeof s.at === 'string'),
      'status lines are JSON with the lag',
    );
    const final = JSON.parse(out);
    t.match(final, {
      ok: true,
      state: 'stopped',
      service: 'w1',
      shippedSeq: localLines(dir).length - 1,
      lagRecords: 0,
    });
  },
);
