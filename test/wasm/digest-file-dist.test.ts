// digestFile as shipped (dist/, worker file resolved as .js) in a separate process: a 2 GiB file
// (sparse: zero bytes, except that the last 8 bytes of each leaf hold its index, so every leaf is
// different and a worker pool that reorders, repeats or misplaces leaves gets another root)
// digests correctly with peak RSS under 200 MiB.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';
import { hex, oracleLeafHash, oracleRootFromLeafHashes } from '../helpers/oracle.js';

const built = join(repoRoot, 'dist', 'engines', 'wasm-digest.js');
const GiB = 1024 ** 3;
const LEAF = 65536;

function readSliceOf(path: string, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return buf;
}

t.test(
  '2 GiB through dist/engines/wasm-digest.js: oracle digest, bounded memory',
  { skip: existsSync(built) ? false : `${built} is absent; run npm run build` },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vram-digest-dist-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'stamped.bin');
    const leafCount = (2 * GiB) / LEAF;
    const stamp = (i: number) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(i));
      return b;
    };
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 2 * GiB);
    for (let i = 0; i < leafCount; i++) writeSync(fd, stamp(i), 0, 8, (i + 1) * LEAF - 8);
    closeSync(fd);

    const script = `
    import { digestFile } from ${JSON.stringify(pathToFileURL(built).href)};
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
    const r = await digestFile(${JSON.stringify(path)}, { threads: 2, leafSize: ${LEAF} });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    console.log(JSON.stringify({ digest: Buffer.from(r.digest).toString('hex'), size: r.size, leafCount: r.leafCount, peak }));
  `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));

    // Leaf hash i = SHA-256(0x00 ‖ zeros ‖ stamp(i)) (SPEC §1): the state after the shared prefix
    // is computed once and copied, so the oracle does not hash 2 GiB again.
    const prefix = createHash('sha256')
      .update(Uint8Array.of(0))
      .update(new Uint8Array(LEAF - 8));
    const leafHashes = new Uint8Array(leafCount * 32);
    for (let i = 0; i < leafCount; i++) leafHashes.set(prefix.copy().update(stamp(i)).digest(), i * 32);
    t.equal(
      hex(leafHashes.subarray(32 * 5, 32 * 6)),
      hex(oracleLeafHash(new Uint8Array(readSliceOf(path, 5 * LEAF, LEAF)))),
      'the copied-state leaf hash = the oracle on the bytes read back (leaf 5)',
    );
    t.equal(out.digest, hex(oracleRootFromLeafHashes(leafHashes)), 'digest equals the oracle');
    t.equal(out.size, 2 * GiB);
    t.equal(out.leafCount, leafCount);
    t.ok(out.peak < 200 * 1024 * 1024, `peak RSS ${(out.peak / 2 ** 20).toFixed(0)} MiB < 200 MiB`);
  },
);
