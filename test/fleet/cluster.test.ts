// A three-node JetStream cluster on loopback with a replicas-3 stream: the stream leader is
// SIGKILLed while a writer and the shipper run; leadership moves to a surviving node, shipping goes on through the other two nodes and
// the stream ends with every record exactly once, in order, verified from the stream.
import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { AuditLogger } from '../../lib/audit/index.js';
import { AuditShipper } from '../../lib/fleet/shipper.js';
import { verifyFleet } from '../../lib/fleet/verify.js';
import { freshDir, liveWriter, localLines, noServer, quietLog, streamLines, waitFor } from './helpers.js';
import { startCluster } from './nats-server.mjs';

t.test(
  'replicas 3: one node killed, the cluster keeps accepting and nothing is lost or repeated',
  { skip: noServer, timeout: 120_000 },
  async (t) => {
    const nodes = await startCluster(3);
    t.teardown(() => Promise.all(nodes.map((n) => n.stop())));
    const urls = nodes.map((n) => n.url).join(',');

    // JetStream in a fresh cluster needs a meta leader before a stream can be placed.
    const nc = await connect({ servers: nodes.map((n) => n.url) });
    t.teardown(() => nc.close());
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    await waitFor(
      async () =>
        await jsm.getAccountInfo().then(
          () => true,
          () => false,
        ),
      30_000,
      'the JetStream meta leader',
    );

    const dir = freshDir();
    const log = AuditLogger.open({
      dir,
      service: 'clustered',
      flush: { mode: 'batched', maxEvents: 64, maxDelayMs: 5 },
      operationalLog: quietLog,
    });
    let shipper: AuditShipper | null = null;
    await waitFor(
      async () => {
        shipper = await AuditShipper.start({
          dir,
          nats: urls,
          replicas: 3,
          pollMs: 20,
          ackTimeoutMs: 2000,
          backoffMs: { initial: 100, max: 500 },
        }).catch(() => null);
        return shipper !== null;
      },
      30_000,
      'a replicas-3 stream to be created',
    );
    const s = shipper! as AuditShipper;
    const info = await jsm.streams.info('VRAM_AUDIT');
    t.equal(info.config.num_replicas, 3, 'the stream was created with 3 replicas');

    const writer = liveWriter(log, 20);
    await waitFor(() => s.health().shippedSeq > 500, 30_000, 'records shipped before the kill');
    const leader = (await jsm.streams.info('VRAM_AUDIT')).cluster?.leader;
    // The nodes are named n1..n3 (startCluster): the victim is the stream leader itself, or the test fails.
    const victim = nodes.find((_, i) => `n${i + 1}` === leader);
    t.ok(victim, `the stream leader (${leader}) is one of the three nodes`);
    if (!victim) return;
    await victim.kill('SIGKILL');
    const atKill = s.health().shippedSeq;
    let newLeader: string | undefined;
    await waitFor(
      async () => {
        newLeader = await jsm.streams.info('VRAM_AUDIT').then(
          (i) => i.cluster?.leader,
          () => undefined,
        );
        return newLeader !== undefined && newLeader !== leader;
      },
      60_000,
      'another node to lead the stream',
    );
    t.not(newLeader, leader, `leadership moved from ${leader} to ${newLeader}`);
    t.ok(
      nodes.some((n, i) => n !== victim && `n${i + 1}` === newLeader),
      'the new leader is one of the surviving nodes',
    );
    await waitFor(() => s.health().shippedSeq > atKill + 1000, 60_000, 'shipping to go on with two nodes');
    t.pass(`stream leader ${leader} killed at seq ${atKill}; shipping went on to ${s.health().shippedSeq}`);

    await writer.stop();
    const local = localLines(dir);
    await waitFor(() => s.health().shippedSeq === local.length - 1, 60_000, 'the shipper to catch up');
    await s.stop();
    const alive = nodes
      .filter((n) => n !== victim)
      .map((n) => n.url)
      .join(',');
    t.strictSame(await streamLines(alive.split(',')[0]!, 'vram.audit.clustered'), local, 'every record once, in order');
    const v = await verifyFleet({ nats: alive });
    t.match(v, { intact: true, services: [{ service: 'clustered', records: local.length, gaps: [] }] });
  },
);
