// Flat memory: a 1 GiB stream leaves the module's memory exactly as large as it started (the
// module never grows; JS feeds it through the fixed staging area), and the results stay right
// (SHA-256's 64-bit length field is past 2^32 bits here).
import t from 'tap';
import { createHash } from 'node:crypto';
import { instantiateCore } from '../../lib/wasm/core.js';
import { WasmCryptoImpl } from '../../lib/wasm/crypto.js';
import { hex, oracleLeafHashes, oracleRootFromLeafHashes } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

const MiB = 1024 * 1024;
const CHUNK = 4 * MiB;
const LEAF = 65536;

t.test('1 GiB through createMth and createSha256: memory unchanged, digests equal the oracle', async (t) => {
  const core = await instantiateCore();
  const wasm = new WasmCryptoImpl(core);
  const memoryBefore = core.x.memory.buffer.byteLength;

  const buffer = randomBytes(CHUNK, 99);
  const stamps = new Uint32Array(buffer.buffer);
  const mth = wasm.createMth(LEAF);
  const sha = wasm.createSha256();
  const nodeSha = createHash('sha256');
  const leafHashes: Uint8Array[] = [];
  const chunks = 1024 / 4;
  for (let i = 0; i < chunks; i++) {
    // Vary every leaf of every chunk so no two leaves repeat.
    for (let w = 0; w < stamps.length; w += 4096) stamps[w] = i * 0x9e3779b1 + w;
    const cut = MiB + 12_345 + i; // pieces that straddle leaf boundaries
    mth.update(buffer.subarray(0, cut)).update(buffer.subarray(cut));
    sha.update(buffer.subarray(0, cut)).update(buffer.subarray(cut));
    nodeSha.update(buffer);
    leafHashes.push(oracleLeafHashes(buffer, LEAF));
  }
  t.equal(mth.byteCount(), 1024 * MiB);
  t.equal(mth.leafCount(), (1024 * MiB) / LEAF);
  t.equal(hex(sha.digest()), nodeSha.digest('hex'), 'SHA-256 of 1 GiB');
  t.equal(hex(mth.digest()), hex(oracleRootFromLeafHashes(Buffer.concat(leafHashes))), 'mth-sha256 of 1 GiB');
  t.equal(core.x.memory.buffer.byteLength, memoryBefore, `module memory still ${memoryBefore} bytes`);
});

t.test('a logical stream past 4 GiB (u64 byte and leaf counters) equals the oracle', async (t) => {
  const core = await instantiateCore();
  const wasm = new WasmCryptoImpl(core);
  const memoryBefore = core.x.memory.buffer.byteLength;
  const buffer = randomBytes(CHUNK, 4242);
  const stamps = new Uint32Array(buffer.buffer);
  const total = 4 * 1024 * MiB + MiB + 7; // 2^32 + 1 MiB + 7 bytes: the last leaf is short
  const mth = wasm.createMth(LEAF);
  const leafHashes: Uint8Array[] = [];
  for (let off = 0, i = 0; off < total; off += CHUNK, i++) {
    for (let w = 0; w < stamps.length; w += 4096) stamps[w] = i * 0x85ebca6b + w;
    const piece = buffer.subarray(0, Math.min(CHUNK, total - off));
    mth.update(piece);
    leafHashes.push(oracleLeafHashes(piece, LEAF));
  }
  t.equal(mth.byteCount(), total);
  t.equal(mth.leafCount(), Math.ceil(total / LEAF));
  t.equal(hex(mth.digest()), hex(oracleRootFromLeafHashes(Buffer.concat(leafHashes))));
  t.equal(core.x.memory.buffer.byteLength, memoryBefore, 'module memory unchanged');
});
