// digestFile on real temp files against the oracle, with 1 and 2 worker threads.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestFile } from '../../lib/engines/wasm-digest.js';
import { hex, oracleMth } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'vram-digest-file-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;

// Worker start-up under tap's TS loader costs about a second, so not every size runs on both counts.
const cases: { size: number; leafSize: number; threadCounts: number[] }[] = [
  { size: 1, leafSize: 65536, threadCounts: [2] },
  { size: 65535, leafSize: 4096, threadCounts: [1] },
  { size: 4 * MiB, leafSize: 65536, threadCounts: [2] }, // exactly one chunk
  { size: 4 * MiB + 3, leafSize: 4096, threadCounts: [1, 2] }, // a 3-byte chunk at the end
  { size: 13 * MiB + 12_345, leafSize: 65536, threadCounts: [1, 2] }, // several chunks per worker
  { size: 9 * MiB + 1, leafSize: 8 * MiB, threadCounts: [2] }, // leaves larger than the 4 MiB minimum chunk
];

for (const { size, leafSize, threadCounts } of cases) {
  const data = randomBytes(size, size);
  const path = join(dir, `f-${size}-${leafSize}.bin`);
  writeFileSync(path, data);
  const expected = hex(oracleMth(data, leafSize));
  for (const threads of threadCounts) {
    t.test(`n=${size} L=${leafSize} threads=${threads}`, async (t) => {
      const progress: number[] = [];
      const r = await digestFile(path, { leafSize, threads, sha256: true, onProgress: (p) => progress.push(p.bytes) });
      t.equal(hex(r.digest), expected, 'digest equals the oracle');
      t.equal(r.size, size);
      t.equal(r.leafCount, Math.ceil(size / leafSize));
      t.equal(hex(r.sha256!), createHash('sha256').update(data).digest('hex'), 'content SHA-256');
      t.ok(progress.length > 0 && progress.every((b, i) => i === 0 || b > progress[i - 1]!), 'progress increases');
      t.equal(progress.at(-1), size, 'progress ends at the file size');
    });
  }
}

t.test('default options: 64 KiB leaves, no content hash', async (t) => {
  const data = randomBytes(200_000, 5);
  const path = join(dir, 'default.bin');
  writeFileSync(path, data);
  const r = await digestFile(path);
  t.equal(hex(r.digest), hex(oracleMth(data, 65536)));
  t.equal(r.sha256, null);
});

t.test('errors: missing file, directory, empty file, bad options, abort', async (t) => {
  await t.rejects(digestFile(join(dir, 'nope.bin')), { code: 'E_IO' }, 'missing file is E_IO');
  await t.rejects(digestFile(dir), { code: 'E_ARG', message: /directory/ }, 'directory is E_ARG');
  const empty = join(dir, 'empty.bin');
  writeFileSync(empty, new Uint8Array(0));
  await t.rejects(digestFile(empty), { code: 'E_ARG', message: /empty/ }, 'empty file is E_ARG');
  const small = join(dir, 'small.bin');
  writeFileSync(small, randomBytes(10, 1));
  await t.rejects(digestFile(small, { leafSize: 1000 }), { code: 'E_ARG' }, 'bad leaf size');
  await t.rejects(digestFile(small, { threads: 0 }), { code: 'E_ARG' }, 'bad thread count');
  await t.rejects(digestFile('' as string), { code: 'E_ARG' }, 'empty path');
  const big = join(dir, 'abort.bin');
  writeFileSync(big, randomBytes(12 * MiB, 3));
  const controller = new AbortController();
  await t.rejects(
    digestFile(big, { threads: 2, signal: controller.signal, onProgress: () => controller.abort() }),
    { name: 'AbortError' },
    'abort stops after the current chunk',
  );
  await t.rejects(digestFile(big, { signal: AbortSignal.abort() }), { name: 'AbortError' }, 'already aborted');
});
