// The audit writer with witnesses (SPEC §8): a live witness cosigns each v2 checkpoint (the second
// one only through the writer's consistency proof from the first), a witness that is down or
// refuses never holds up emit() and leaves an audit.witness_refused record, and every note stays
// verifiable with the log's key.
import t, { type Test } from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseNotePublicKey } from '../../lib/audit/format/checkpoint-note.js';
import { AuditLogger, verifyAuditLog } from '../../lib/audit/index.js';
import { parseWitnessKey, verifyCheckpointV2 } from '../../lib/audit/tlog/checkpoint.js';
import { nodeSealingCrypto } from '../../lib/audit/write/node-crypto.js';
import { createWitness } from '../../lib/witness/server.js';
import { freshDir, quietLog, verifiedEvent } from '../audit/helpers.js';

const sha256 = nodeSealingCrypto.sha256;
const SERVICE = 'w1';
const ORIGIN = `vram-residency.audit.v2/${SERVICE}`;

function keys() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function liveWitness(t: Test, logPub: string, origin = ORIGIN) {
  const w = keys();
  const witness = createWitness({
    privateKeyPem: w.pem,
    name: 'witness.test/w1',
    logs: new Map([[origin, parseNotePublicKey(logPub, sha256)]]),
    statePath: join(mkdtempSync(join(tmpdir(), 'witness-')), 'state.jsonl'),
  });
  const { port } = await witness.listen(0, '127.0.0.1');
  t.teardown(() => witness.close());
  return {
    witness,
    config: { url: `http://127.0.0.1:${port}`, name: 'witness.test/w1', publicKey: witness.verifierKey },
  };
}

const notes = (dir: string) =>
  readdirSync(join(dir, 'checkpoints'))
    .filter((n) => n.endsWith('.note'))
    .sort();
const records = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l));

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('a live witness cosigns every checkpoint the writer writes', async (t) => {
  const dir = freshDir(t);
  const log = keys();
  const { witness, config } = await liveWitness(t, log.pub);
  const logger = AuditLogger.open({
    dir,
    service: SERVICE,
    operationalLog: quietLog,
    checkpoints: { privateKey: log.pem, everySeconds: 1, witnesses: [config], quorum: 1 },
  });
  for (let i = 0; i < 50; i++) logger.emit(verifiedEvent(i));
  await until('a first cosigned note', () => witness.stats.cosigned >= 1);
  for (let i = 50; i < 120; i++) logger.emit(verifiedEvent(i));
  await logger.close();
  const written = notes(dir);
  t.ok(written.length >= 2, `${written.length} notes`);
  t.ok(
    witness.stats.cosigned >= 2,
    `the witness cosigned ${witness.stats.cosigned} (growth needed the writer's proof)`,
  );
  const trust = {
    logKey: parseNotePublicKey(log.pub, sha256),
    witnesses: [parseWitnessKey(config.publicKey, sha256)],
    quorum: 1,
    sha256,
  };
  for (const name of written) {
    const verdict = await verifyCheckpointV2(readFileSync(join(dir, 'checkpoints', name), 'utf8'), trust);
    t.ok(verdict.ok, `${name} verifies with quorum 1${verdict.ok ? '' : `: ${verdict.detail}`}`);
  }
  t.equal(records(dir).filter((r) => r.type === 'audit.witness_refused').length, 0, 'no refusal recorded');
  t.ok((await verifyAuditLog(dir)).intact, 'the log verifies');
});

t.test('a witness that is down or refuses: emit goes on, the note is written, the refusal is recorded', async (t) => {
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
  const dir = freshDir(t);
  const log = keys();
  const refusing = await liveWitness(t, log.pub, 'vram-residency.audit.v2/another-service');
  const down = { ...refusing.config, url: `http://127.0.0.1:${closedPort}`, name: 'witness.test/down' };
  const logger = AuditLogger.open({
    dir,
    service: SERVICE,
    operationalLog: quietLog,
    checkpoints: { privateKey: log.pem, everySeconds: 1, witnesses: [down, refusing.config], quorum: 1 },
  });
  let emitted = 0;
  const start = Date.now();
  while (Date.now() - start < 1500) {
    logger.emit(verifiedEvent(emitted++));
    await new Promise((r) => setImmediate(r));
  }
  await until('a refusal record', () => {
    void logger.flush();
    return records(dir).some((r) => r.type === 'audit.witness_refused' && r.data.status === 404);
  });
  await logger.close();
  t.ok(emitted > 100, `${emitted} events emitted while the witnesses were asked`);
  t.ok(notes(dir).length >= 1, 'the checkpoint is written without cosignatures');
  const refusals = records(dir).filter((r) => r.type === 'audit.witness_refused');
  t.ok(
    refusals.some((r) => r.data.status === 404 && /unknown origin/.test(r.data.reason)),
    'the 404 with its reason',
  );
  const verdict = await verifyCheckpointV2(readFileSync(join(dir, 'checkpoints', notes(dir).at(-1)!), 'utf8'), {
    logKey: parseNotePublicKey(log.pub, sha256),
    sha256,
  });
  t.ok(verdict.ok, 'the uncosigned note verifies with the log key alone');
  t.ok((await verifyAuditLog(dir)).intact, 'the log verifies');
});
