#!/usr/bin/env node
// Witness throughput: add-checkpoint requests per second answered by `vram-residency witness` (the
// CLI process a user runs, fsync before every answer) over loopback HTTP, for 16 logs growing at
// once and for one log growing request after request. Notes and proofs are made before timing.
// Target (issue 22): >= 500 add-checkpoint/s. Run `npm run build` first.
//   node bench/witness.mjs [--quick]
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { checkpointV2Text, noteKeyIdOf, signNote } from '../dist/audit/tlog/checkpoint.js';
import { consistencyProof, MemoryTree } from '../dist/audit/tlog/tree.js';

const quick = process.argv.includes('--quick');
const LOGS = 16;
const STEPS = quick ? 40 : 150; // checkpoints per log
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const sha256 = (b) => new Uint8Array(createHash('sha256').update(b).digest());
const dir = mkdtempSync(join(tmpdir(), 'vram-bench-witness-'));

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, raw: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12)) };
}

/** One log's successive add-checkpoint bodies: size grows by 7 each step, each with its proof. */
function bodies(service, key) {
  const origin = `vram-residency.audit.v2/${service}`;
  const tree = new MemoryTree(sha256);
  for (let i = 0; i < STEPS * 7; i++) tree.appendEntry(sha256(Buffer.from(`${service}:${i}`)));
  const signer = {
    name: origin,
    keyId: noteKeyIdOf(sha256, origin, 0x01, key.raw),
    sign: (m) => new Uint8Array(sign(null, m, key.privateKey)),
  };
  const out = [];
  for (let s = 1, old = 0; s <= STEPS; s++) {
    const size = s * 7;
    const note = signNote(checkpointV2Text(service, size, tree.root(size)), [signer]);
    const proof = old === 0 ? [] : consistencyProof(sha256, tree.source, old, size);
    out.push(`old ${old}\n${proof.map((p) => `${Buffer.from(p).toString('base64')}\n`).join('')}\n${note}`);
    old = size;
  }
  return { origin, out };
}

const witnessKey = keyPair();
writeFileSync(join(dir, 'w.key'), witnessKey.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
const logs = [];
for (let i = 0; i < LOGS + 1; i++) {
  const key = keyPair();
  writeFileSync(join(dir, `log${i}.pub`), key.publicKey.export({ format: 'pem', type: 'spki' }));
  logs.push({ ...bodies(`bench-${i}`, key), pub: join(dir, `log${i}.pub`) });
}

async function startWitness(state) {
  const args = [
    CLI,
    'witness',
    '--listen',
    '127.0.0.1:0',
    '--key',
    join(dir, 'w.key'),
    '--name',
    'bench/w',
    '--state',
    state,
    '--json',
  ];
  for (const l of logs) args.push('--log', `${l.origin}=${l.pub}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  return { child, url: `${JSON.parse(line).url}/add-checkpoint` };
}

async function run(label, selected) {
  const { child, url } = await startWitness(join(dir, `${label.replace(/\W+/g, '-')}.jsonl`));
  const t0 = performance.now();
  let ok = 0;
  await Promise.all(
    selected.map(async (l) => {
      for (const body of l.out) {
        const r = await fetch(url, { method: 'POST', body });
        await r.text();
        if (r.status !== 200) throw new Error(`${label}: status ${r.status}`);
        ok++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { label, requests: ok, perSecond: ok / seconds };
}

const rows = [
  await run(`${LOGS} logs at once`, logs.slice(0, LOGS)),
  await run('1 log, one request at a time', logs.slice(LOGS)),
];
console.log(
  `witness add-checkpoint over loopback (CLI process, fsync before each answer; load average ${loadavg()[0].toFixed(1)})`,
);
console.log('| clients | requests | add-checkpoint/s | target |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.label} | ${r.requests} | ${r.perSecond.toFixed(0)} | ≥ 500 |`);
rmSync(dir, { recursive: true, force: true });
