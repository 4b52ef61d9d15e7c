// AuditShipper against real nats-server processes: every local record lands in the stream
// exactly once and in order, across rotations, restarts and server crashes; bad input fails
// with typed errors and leaves the local log alone.
import t from 'tap';
import { createServer } from 'node:net';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { AuditLogger } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
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
import { freePort } from './nats-server.mjs';

t.test(
  'a rotated log ships once, unchanged and in order; a second run repeats nothing',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    const dir = freshDir();
    await writeLog(dir, 3000);
    t.ok(listSegments(dir).length > 3, 'the log spans several segments');
    const first = await AuditShipper.start({ dir, nats: srv.url, once: true, maxInFlight: 100 });
    const h1 = await first.done;
    const local = localLines(dir);
    t.equal(h1.published, local.length, 'every record published');
    t.equal(h1.shippedSeq, local.length - 1);
    t.equal(h1.lagRecords, 0);
    t.strictSame(
      await streamLines(srv.url, 'vram.audit.w1'),
      local,
      'the stream holds the local lines byte for byte, in order',
    );

    const second = await AuditShipper.start({ dir, nats: srv.url, once: true });
    const h2 = await second.done;
    t.equal(h2.published, 0, 'nothing published again');
    t.equal(h2.duplicates, 0, 'nothing even re-sent');
    t.equal((await streamLines(srv.url, 'vram.audit.w1')).length, local.length);
  },
);

t.test(
  'a live writer ships while the server is SIGKILLed and restarted: every record once, in order',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    const dir = freshDir();
    const log = AuditLogger.open({
      dir,
      service: 'live',
      rotateBytes: 256 * 1024,
      flush: { mode: 'batched', maxEvents: 64, maxDelayMs: 5 },
      operationalLog: quietLog,
    });
    const shipper = await AuditShipper.start({
      dir,
      nats: srv.url,
      pollMs: 20,
      ackTimeoutMs: 2000,
      backoffMs: { initial: 50, max: 400 },
    });
    const retries: string[] = [];
    shipper.on('retry', (r: { error: { message: string } }) => retries.push(r.error.message));
    const writer = liveWriter(log, 50);
    for (let crash = 0; crash < 3; crash++) {
      const before = shipper.health().shippedSeq;
      await waitFor(() => shipper.health().shippedSeq > before + 500, 20_000, 'records shipped before the crash');
      await srv.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 300)); // the writer keeps writing meanwhile
      await srv.start();
    }
    await writer.stop();
    const local = localLines(dir);
    await waitFor(() => shipper.health().shippedSeq === local.length - 1, 30_000, 'the shipper to catch up');
    const h = await shipper.stop();
    t.equal(h.state, 'stopped');
    t.ok(h.sessions >= 4, `reconnected after each crash (${h.sessions} sessions)`);
    t.ok(retries.length >= 3, 'each outage was reported as a retry');
    const shipped = await streamLines(srv.url, 'vram.audit.live');
    t.equal(shipped.length, local.length, `${local.length} records in the stream, none twice`);
    t.strictSame(shipped, local, 'identical to the local log, in order');
  },
);

t.test(
  'a foreign record on the subject stops the shipper with E_FLEET_FOREIGN_RECORD; the local log is untouched',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    const dir = freshDir();
    await writeLog(dir, 50);
    const ok = await AuditShipper.start({ dir, nats: srv.url, once: true });
    await ok.done;
    const before = localLines(dir);
    // Someone else publishes a record-shaped message as this service.
    const nc = await connect({ servers: srv.url });
    const fake = JSON.parse(before[before.length - 1]!);
    fake.seq += 1;
    fake.hash = 'f'.repeat(64);
    await jetstream(nc).publish('vram.audit.w1', JSON.stringify(fake));
    await nc.close();
    await writeLog(dir, 5); // the real writer goes on
    const again = await AuditShipper.start({ dir, nats: srv.url, once: true });
    await t.rejects(again.done, { code: 'E_FLEET_FOREIGN_RECORD', message: /differs from the local one/ });
    t.equal(again.health().state, 'failed');
    t.strictSame(localLines(dir).slice(0, before.length), before, 'local records unchanged');

    // A non-record on the subject of another service.
    const dir2 = freshDir();
    await writeLog(dir2, 5, 'w2');
    const nc2 = await connect({ servers: srv.url });
    await jetstream(nc2).publish('vram.audit.w2', 'hello');
    await nc2.close();
    const third = await AuditShipper.start({ dir: dir2, nats: srv.url, once: true });
    await t.rejects(third.done, { code: 'E_FLEET_FOREIGN_RECORD', message: /not an audit record/ });
  },
);

t.test('a stream with other settings is refused with E_FLEET_STREAM_CONFIG', { skip: noServer }, async (t) => {
  const srv = await server(t);
  const nc = await connect({ servers: srv.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: 'VRAM_AUDIT',
    subjects: ['vram.audit.>', 'vram.checkpoint.>'],
    storage: 'memory' as never,
    deny_delete: true,
    deny_purge: true,
  });
  await nc.close();
  const dir = freshDir();
  await writeLog(dir, 5);
  await t.rejects(AuditShipper.start({ dir, nats: srv.url, once: true }), {
    code: 'E_FLEET_STREAM_CONFIG',
    message: /storage is memory/,
  });
  t.strictSame(localLines(dir).length, 5 + 2, 'local log intact');
});

t.test('unreachable or wrong URLs fail with E_FLEET_UNREACHABLE or E_ARG', async (t) => {
  const dir = freshDir();
  const port = await freePort();
  await t.rejects(AuditShipper.start({ dir, nats: `nats://127.0.0.1:${port}`, once: true, connectTimeoutMs: 2000 }), {
    code: 'E_FLEET_UNREACHABLE',
    message: /no NATS server answered/,
  });
  // Something listens, but it is not NATS.
  const http = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.teardown(() => http.close());
  const httpPort = (http.address() as { port: number }).port;
  await t.rejects(
    AuditShipper.start({ dir, nats: `nats://127.0.0.1:${httpPort}`, once: true, connectTimeoutMs: 2000 }),
    { code: 'E_FLEET_UNREACHABLE' },
  );
  await t.rejects(AuditShipper.start({ dir, nats: 'http://127.0.0.1:4222', once: true }), {
    code: 'E_ARG',
    message: /nats:\/\/ or tls:\/\//,
  });
  await t.rejects(AuditShipper.start({ dir, nats: 'nats://u:secret@127.0.0.1:4222', once: true }), {
    code: 'E_ARG',
    message: /credentials/,
  });
  await t.rejects(AuditShipper.start({ dir, nats: 'nats://127.0.0.1:4222', stream: 'bad.name', once: true }), {
    code: 'E_ARG',
  });
});
