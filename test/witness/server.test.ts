// The witness as a server: the statuses the vectors do not reach (body cap, method, path, proof
// line limit), 20 concurrent clients with competing sizes and a fork (its size never goes back and
// it never cosigns two trees), and the CLI process killed with SIGKILL right after a 200 (the state
// it answered from is on disk).
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseNotePublicKey } from '../../lib/audit/format/checkpoint-note.js';
import { checkpointV2Text, noteKeyIdOf, parseWitnessKey, signNote } from '../../lib/audit/tlog/checkpoint.js';
import { consistencyProof, MemoryTree } from '../../lib/audit/tlog/tree.js';
import { nodeSealingCrypto } from '../../lib/audit/write/node-crypto.js';
import { requestCosignature } from '../../lib/audit/write/witness-client.js';
import { createWitness } from '../../lib/witness/server.js';
import { CLI } from '../helpers/run-cli.js';

const sha256 = nodeSealingCrypto.sha256;
const SERVICE = 'worker-7';
const ORIGIN = `vram-residency.audit.v2/${SERVICE}`;

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const pub = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return { privateKey, pem, pub, raw: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12)) };
}

/** A log: a tree of `count` entries derived from `seed`, and its notes signed by `key`. */
function makeLog(seed: string, count: number, key: ReturnType<typeof ed25519>) {
  const tree = new MemoryTree(sha256);
  for (let i = 0; i < count; i++) tree.appendEntry(sha256(new TextEncoder().encode(`${seed}:${i}`)));
  const signer = {
    name: ORIGIN,
    keyId: noteKeyIdOf(sha256, ORIGIN, 0x01, key.raw),
    sign: (m: Uint8Array) => new Uint8Array(sign(null, m, key.privateKey)),
  };
  return {
    tree,
    note: (size: number) => signNote(checkpointV2Text(SERVICE, size, tree.root(size)), [signer]),
    proof: (m: number, n: number) => (m <= n ? consistencyProof(sha256, tree.source, m, n) : null),
  };
}

async function startWitness(t: Test, logKey: ReturnType<typeof ed25519>) {
  const dir = mkdtempSync(join(tmpdir(), 'witness-'));
  const wkey = ed25519();
  const witness = createWitness({
    privateKeyPem: wkey.pem,
    name: 'witness.test/w',
    logs: new Map([[ORIGIN, parseNotePublicKey(logKey.pub, sha256)]]),
    statePath: join(dir, 'state.jsonl'),
  });
  const { port } = await witness.listen(0, '127.0.0.1');
  t.teardown(() => witness.close());
  return { witness, url: `http://127.0.0.1:${port}`, statePath: join(dir, 'state.jsonl') };
}

t.test('statuses outside the vectors', async (t) => {
  const logKey = ed25519();
  const log = makeLog('a', 300, logKey);
  const { url } = await startWitness(t, logKey);
  const post = (body: string | Buffer, path = '/add-checkpoint', method = 'POST') =>
    fetch(`${url}${path}`, method === 'GET' ? { method } : { method, body: new Uint8Array(Buffer.from(body)) }).then(
      async (r) => ({
        status: r.status,
        text: await r.text(),
      }),
    );
  t.equal((await post(Buffer.alloc(64 * 1024 + 1, 0x61))).status, 400, 'a body over 64 KiB is refused');
  t.equal((await post('', '/add-checkpoint', 'GET')).status, 405, 'GET is not add-checkpoint');
  t.equal((await post(`old 0\n\n${log.note(10)}`, '/other')).status, 404, 'another path');
  t.equal((await post(`old x\n\n${log.note(10)}`)).status, 400, 'a bad old line');
  const h = Buffer.alloc(32).toString('base64');
  t.equal((await post(`old 0\n${`${h}\n`.repeat(64)}\n${log.note(10)}`)).status, 400, 'more than 63 proof lines');
  t.equal((await post(`old 0\n!!!!\n\n${log.note(10)}`)).status, 400, 'bad base64');
  t.equal(
    (await post(`old 0\n\n${log.note(10).replace(ORIGIN, `${ORIGIN}x`)}`)).status,
    404,
    'an origin it does not witness',
  );
  const ok = await post(`old 0\n\n${log.note(10)}`);
  t.equal(ok.status, 200, 'first cosignature');
  t.match(ok.text, /^— witness\.test\/w [A-Za-z0-9+/=]+\n$/, 'one cosignature line');
  const stale = await post(`old 0\n\n${log.note(20)}`);
  t.same(stale, { status: 409, text: '10\n' }, '409 says the size it last cosigned');
  const grown = await post(
    `old 10\n${log
      .proof(10, 20)!
      .map((p) => `${Buffer.from(p).toString('base64')}\n`)
      .join('')}\n${log.note(20)}`,
  );
  t.equal(grown.status, 200, 'consistent growth is cosigned');
  t.equal((await post(`old 20\n\n${log.note(10)}`)).status, 400, 'old beyond the size');
});

t.test('20 concurrent clients with competing sizes and a fork: the size never goes back, one tree only', async (t) => {
  const logKey = ed25519();
  const honest = makeLog('honest', 2000, logKey);
  const fork = makeLog('fork', 2000, logKey);
  const { witness, url, statePath } = await startWitness(t, logKey);
  const endpoint = { url, name: 'witness.test/w', publicKey: parseWitnessKey(witness.verifierKey, sha256) };
  const accepted: { tree: string; size: number }[] = [];
  for (let round = 0; round < 3; round++) {
    const clients = Array.from({ length: 20 }, (_, i) => {
      const log = i % 4 === 3 ? fork : honest;
      const size = 1 + Math.floor(Math.random() * 2000);
      return requestCosignature(endpoint, {
        note: log.note(size),
        size,
        old: 0,
        proofFrom: (m) => log.proof(m, size),
        logKey: parseNotePublicKey(logKey.pub, sha256),
        sha256,
      }).then((o) => {
        if (o.ok) accepted.push({ tree: log === fork ? 'fork' : 'honest', size });
      });
    });
    await Promise.all(clients);
  }
  t.ok(accepted.length >= 1, `${accepted.length} cosignatures given`);
  t.equal(new Set(accepted.map((a) => a.tree)).size, 1, 'every cosignature is for one tree');
  const sizes = readFileSync(statePath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).size as number);
  t.same(
    sizes,
    [...sizes].sort((a, b) => a - b),
    `the journal's sizes never go back (${sizes.join(', ')})`,
  );
  t.equal(sizes.at(-1), Math.max(...accepted.map((a) => a.size)), 'the last size is the largest cosigned');
});

t.test('the CLI witness killed with SIGKILL after a 200 keeps what it answered', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'witness-cli-'));
  const logKey = ed25519();
  const wkey = ed25519();
  writeFileSync(join(dir, 'w.key'), wkey.pem, { mode: 0o600 });
  writeFileSync(join(dir, 'log.pub'), logKey.pub);
  const log = makeLog('cli', 50, logKey);
  const start = async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'witness',
        '--listen',
        '127.0.0.1:0',
        '--key',
        join(dir, 'w.key'),
        '--name',
        'witness.test/cli',
        '--log',
        `${ORIGIN}=${join(dir, 'log.pub')}`,
        '--state',
        join(dir, 'state.jsonl'),
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    t.teardown(() => child.kill('SIGKILL'));
    const first = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout! }).once('line', resolve),
    );
    return { child, info: JSON.parse(first) as { event: string; url: string; verifierKey: string } };
  };
  const a = await start();
  t.equal(a.info.event, 'listening');
  t.match(a.info.verifierKey, /^witness\.test\/cli\+[0-9a-f]{8}\+/, 'prints its verifier key');
  t.notMatch(JSON.stringify(a.info), /PRIVATE/, 'never prints its key');
  const r1 = await fetch(`${a.info.url}/add-checkpoint`, { method: 'POST', body: `old 0\n\n${log.note(10)}` });
  t.equal(r1.status, 200);
  a.child.kill('SIGKILL');
  await new Promise((r) => a.child.once('exit', r));
  const b = await start();
  const r2 = await fetch(`${b.info.url}/add-checkpoint`, { method: 'POST', body: `old 0\n\n${log.note(20)}` });
  t.same(
    { status: r2.status, body: await r2.text() },
    { status: 409, body: '10\n' },
    'after the crash it still knows size 10',
  );
  b.child.kill('SIGTERM');
  const code = await new Promise((r) => b.child.once('exit', r));
  t.equal(code, 0, 'SIGTERM stops it cleanly');
});
