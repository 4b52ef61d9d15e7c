// `audit ship` and `audit verify --nats` as a user runs them: the built CLI in child processes,
// real nats-server processes, exit codes and JSON documents.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { freshDir, localLines, noServer, server, streamLines, waitFor, writeLog } from './helpers.js';
import { freePort } from './nats-server.mjs';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const VECTORS = fileURLToPath(new URL('../vectors/', import.meta.url));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

async function subjectCount(url: string, subject: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const info = await (await jetstreamManager(nc)).streams.info('VRAM_AUDIT', { subjects_filter: subject });
    return (info.state.subjects as Record<string, number> | undefined)?.[subject] ?? 0;
  } catch {
    return 0;
  } finally {
    await nc.close();
  }
}

t.test(
  'ship --once, then verify --nats: intact, with the same head as the directory',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    const dir = freshDir();
    await writeLog(dir, 2000);
    const shipped = cli('audit', 'ship', dir, '--nats', srv.url, '--once', '--json');
    t.equal(shipped.status, 0, shipped.stderr);
    const doc = shipped.json();
    t.equal(doc.ok, true);
    t.equal(doc.published, localLines(dir).length);
    const local = cli('audit', 'verify', dir, '--json').json();
    const central = cli('audit', 'verify', '--nats', srv.url, '--json');
    t.equal(central.status, 0, central.stderr);
    const v = central.json();
    t.equal(v.intact, true);
    t.equal(v.services.length, 1);
    t.match(v.services[0], { service: 'w1', records: local.records, head: local.head, gaps: [] });
    const human = cli('audit', 'verify', '--nats', srv.url, '--service', 'w1');
    t.match(human.stdout, /ok {2}w1: [\d,]+ records, head \d+:[0-9a-f]{64}/);
  },
);

t.test('a shipper SIGKILLed mid-batch and restarted repeats nothing', { skip: noServer }, async (t) => {
  const srv = await server(t);
  const dir = freshDir();
  await writeLog(dir, 30_000, 'w1', 1 << 20);
  const total = localLines(dir).length;
  const child = spawn(process.execPath, [CLI, 'audit', 'ship', dir, '--nats', srv.url, '--max-in-flight', '512'], {
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.once('exit', r));
  let atKill = 0;
  await waitFor(
    async () => {
      atKill = await subjectCount(srv.url, 'vram.audit.w1');
      return atKill > 2000;
    },
    30_000,
    'the first records in the stream',
  );
  child.kill('SIGKILL');
  await exited;
  // Publishes the child sent just before it died may still be on their way into the stream: count
  // once the stream has settled (the same count on five reads in a row), not right after the kill.
  const reads: number[] = [];
  await waitFor(
    async () => {
      reads.push(await subjectCount(srv.url, 'vram.audit.w1'));
      return reads.length >= 5 && reads.slice(-5).every((n) => n === reads.at(-1));
    },
    30_000,
    'the stream to settle after the kill',
  );
  atKill = reads.at(-1)!;
  t.ok(atKill < total, `killed mid-way (${atKill} of ${total} in the stream)`);
  const again = cli('audit', 'ship', dir, '--nats', srv.url, '--once', '--json');
  t.equal(again.status, 0, again.stderr);
  t.equal(again.json().published, total - atKill, 'the restart published exactly what was missing');
  t.strictSame(await streamLines(srv.url, 'vram.audit.w1'), localLines(dir), 'every record once, in order');
});

t.test(
  'verify --nats finds an altered record and a gap, and checks the checkpoint notes shipped beside a chain',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    // The sealed vector log with its checkpoint note beside it, as the writer leaves them.
    const dir = freshDir();
    cpSync(`${VECTORS}audit-sealed`, dir, { recursive: true });
    const vector = JSON.parse(readFileSync(`${VECTORS}checkpoint.json`, 'utf8'));
    mkdirSync(`${dir}/checkpoints`);
    writeFileSync(`${dir}/checkpoints/${'9'.padStart(12, '0')}.note`, vector.note);
    const shipped = cli('audit', 'ship', dir, '--nats', srv.url, '--once', '--json');
    t.equal(shipped.status, 0, shipped.stderr);
    t.equal(shipped.json().checkpoints, 1, 'the checkpoint note was published');

    // A second service whose stream copy lacks seq 3..5, a third with an altered record, a fourth
    // holding worker-9's records on its own subject.
    const lines = localLines(dir);
    const gappy = freshDir();
    const edited = freshDir();
    await writeLog(gappy, 10, 'gappy');
    await writeLog(edited, 10, 'edited');
    const nc = await connect({ servers: srv.url });
    const js = jetstream(nc);
    for (const [i, line] of localLines(gappy).entries()) if (i < 3 || i > 5) await js.publish('vram.audit.gappy', line);
    for (const [i, line] of localLines(edited).entries())
      await js.publish('vram.audit.edited', i === 4 ? line.replace('shard-', 'shard-X') : line);
    for (const line of lines) await js.publish('vram.audit.copied', line);
    await nc.close();

    const r = cli('audit', 'verify', '--nats', srv.url, '--json');
    t.equal(r.status, 1, 'a failed check');
    const by = Object.fromEntries(r.json().services.map((s: { service: string }) => [s.service, s]));
    // Without --pubkey no note is trusted: the whole chain is an unauthenticated tail.
    t.match(by['worker-9'], {
      intact: true,
      records: lines.length,
      verifiedSize: 0,
      unauthenticatedTail: { count: lines.length },
      checkpoints: { count: 1, verified: 0, consistent: 0, unverified: { count: 1 } },
    });
    t.match(by.gappy, { intact: false, gaps: [{ from: 3, to: 5 }] });
    t.match(by.edited, { intact: false, firstError: { message: 5, reason: 'hash mismatch' } });
    t.match(by.copied, { intact: false, firstError: { message: 1, reason: 'service mismatch' } });
    // With the keys: the seals of worker-9 and the signature of the newest checkpoint in the stream.
    const keys = freshDir('keys');
    mkdirSync(keys);
    const pub = Buffer.concat([Buffer.from([1]), Buffer.from(vector.publicKeyRawBase64, 'base64')]).toString('base64');
    writeFileSync(`${keys}/pub`, `${vector.keyName}+${vector.keyId4Hex}+${pub}\n`);
    const keyed = cli(
      'audit',
      'verify',
      '--nats',
      srv.url,
      '--service',
      'worker-9',
      '--vkey',
      `${VECTORS}audit-sealed.vkey.json`,
      '--accept-stale', // the vector's writer stopped long ago
      '--pubkey',
      `${keys}/pub`,
      '--json',
    );
    t.equal(keyed.status, 0, keyed.stdout + keyed.stderr);
    t.match(keyed.json().services[0], {
      intact: true,
      sealing: { epochsSealed: Number },
      verifiedSize: 9,
      verifiedBy: { size: 9, consistent: true },
      unauthenticatedTail: { count: 0 },
      checkpoints: { count: 1, verified: 1, consistent: 1 },
    });
    t.ok(keyed.json().services[0].sealing.epochsSealed > 0, 'epoch seals checked from the stream');
    const wrongKey = cli(
      'audit',
      'verify',
      '--nats',
      srv.url,
      '--service',
      'gappy',
      '--vkey',
      `${VECTORS}audit-sealed.vkey.json`,
      '--json',
    );
    t.equal(wrongKey.status, 2);
    t.match(wrongKey.json().error, { code: 'E_ARG', message: /worker-9/ });

    const human = cli('audit', 'verify', '--nats', srv.url, '--service', 'edited');
    t.equal(human.status, 1);
    t.match(human.stderr, /FAILED: stream VRAM_AUDIT: 1 of 1 service failed \(edited\)/);
  },
);

t.test(
  'usage and environment errors: exit 2 with a typed code; a foreign record: exit 1',
  { skip: noServer },
  async (t) => {
    const srv = await server(t);
    const dir = freshDir();
    await writeLog(dir, 20);
    const port = await freePort();
    const down = cli('audit', 'ship', dir, '--nats', `nats://127.0.0.1:${port}`, '--once', '--json');
    t.equal(down.status, 2);
    t.equal(down.json().error.code, 'E_FLEET_UNREACHABLE');
    const downVerify = cli('audit', 'verify', '--nats', `127.0.0.1:${port}`, '--json');
    t.equal(downVerify.status, 2);
    t.equal(downVerify.json().error.code, 'E_FLEET_UNREACHABLE');
    const both = cli('audit', 'verify', dir, '--nats', srv.url, '--json');
    t.equal(both.status, 2);
    t.equal(both.json().error.code, 'E_ARG');
    const none = cli('audit', 'verify', '--json');
    t.equal(none.status, 2);
    const noStream = cli('audit', 'verify', '--nats', srv.url, '--json');
    t.equal(noStream.status, 2);
    t.equal(noStream.json().error.code, 'E_FLEET_STREAM_CONFIG');

    t.equal(cli('audit', 'ship', dir, '--nats', srv.url, '--once').status, 0);
    const nc = await connect({ servers: srv.url });
    await jetstream(nc).publish('vram.audit.w1', '{"v":1,"seq":999,"hash":"' + 'a'.repeat(64) + '","service":"w1"}');
    await nc.close();
    const foreign = cli('audit', 'ship', dir, '--nats', srv.url, '--once', '--json');
    t.equal(foreign.status, 1);
    t.equal(foreign.json().error.code, 'E_FLEET_FOREIGN_RECORD');
    t.match(foreign.json().error.message, /has not reached it/);
    t.equal(localLines(dir).length, 22, 'nothing lost locally');
  },
);
