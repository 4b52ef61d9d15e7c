// The worker pool behind digestFile, on its own: digestFile hashes on the main thread while
// workers start (about a second each under tap's TS loader), so its tests alone might never
// reach a worker.
import t from 'tap';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeafWorkerPool } from '../../lib/engines/digest-worker-pool.js';
import { compileWasmModule } from '../../lib/wasm/index.js';
import { hex, oracleLeafHashes } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'vram-worker-pool-'));
const data = randomBytes(30 * MiB + 7, 11);
const path = join(dir, 'data.bin');
writeFileSync(path, data);
const fd = openSync(path, 'r');
t.teardown(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

t.test('two workers read their ranges and return the leaf hashes, in order', async (t) => {
  const pool = new LeafWorkerPool(2, { fd, module: await compileWasmModule() });
  t.teardown(() => pool.terminate());
  const jobs = [
    { position: 0, length: 4 * MiB, leafSize: 65536 },
    { position: 4 * MiB, length: 1_000_003, leafSize: 4096 },
    { position: 8 * MiB, length: 1, leafSize: 65536 },
    { position: 12 * MiB, length: 3 * 65536 + 5, leafSize: 65536 },
    { position: 16 * MiB, length: 9 * MiB + 1, leafSize: 8 * MiB }, // leaves larger than the stage
    { position: 26 * MiB, length: 4 * MiB + 7, leafSize: 1 * MiB }, // up to the end of the file
  ];
  const results = await Promise.all(jobs.map((j) => pool.hashLeaves(j.position, j.length, j.leafSize)));
  for (const [i, r] of results.entries()) {
    const j = jobs[i]!;
    const expected = oracleLeafHashes(data.subarray(j.position, j.position + j.length), j.leafSize);
    t.equal(hex(r.leafHashes), hex(expected), `job ${i}: [${j.position}, +${j.length}) L=${j.leafSize}`);
  }
  t.ok(pool.anyReady, 'workers reported ready');
});

t.test('failing jobs reject with E_IO and the worker keeps serving', async (t) => {
  const pool = new LeafWorkerPool(1, { fd });
  t.teardown(() => pool.terminate());
  await t.rejects(pool.hashLeaves(0, 10, 1000), { code: 'E_IO', message: /leaf hashing worker failed/ }, 'bad leaf size');
  await t.rejects(pool.hashLeaves(data.length - 5, 10, 4096), { code: 'E_IO', message: /changed while being digested/ }, 'past the end');
  const r = await pool.hashLeaves(65536, 5000, 4096);
  t.equal(hex(r.leafHashes), hex(oracleLeafHashes(data.subarray(65536, 70536), 4096)));
});

t.test('terminated workers reject new jobs', async (t) => {
  const pool = new LeafWorkerPool(1, { fd });
  await pool.terminate();
  await t.rejects(pool.hashLeaves(0, 8, 4096), { code: 'E_IO' });
});
