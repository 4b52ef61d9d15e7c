// The worker pool behind digestFile, on its own: digestFile hashes on the main thread while
// workers start (about a second each under tap's TS loader), so its tests alone might never
// reach a worker.
import t from 'tap';
import { LeafWorkerPool } from '../../lib/digest-worker-pool.js';
import { compileWasmModule } from '../../lib/wasm/index.js';
import { hex, oracleLeafHashes } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

t.test('two workers return each chunk’s leaf hashes and its buffer, in order', async (t) => {
  const pool = new LeafWorkerPool(2, { module: await compileWasmModule() });
  t.teardown(() => pool.terminate());
  const jobs = [
    { size: 4 * 1024 * 1024, leafSize: 65536 },
    { size: 1_000_003, leafSize: 4096 },
    { size: 1, leafSize: 65536 },
    { size: 3 * 65536 + 5, leafSize: 65536 },
    { size: 9 * 1024 * 1024 + 1, leafSize: 8 * 1024 * 1024 },
  ].map((j, i) => ({ ...j, data: randomBytes(j.size, i + 1) }));
  const results = jobs.map((j) => {
    const buffer = new ArrayBuffer(j.size + 100); // buffers may be larger than the chunk
    new Uint8Array(buffer).set(j.data);
    return pool.hashLeaves(buffer, j.size, j.leafSize);
  });
  for (const [i, r] of (await Promise.all(results)).entries()) {
    const j = jobs[i]!;
    t.equal(hex(r.leafHashes), hex(oracleLeafHashes(j.data, j.leafSize)), `job ${i}: n=${j.size} L=${j.leafSize}`);
    t.equal(r.buffer.byteLength, j.size + 100, `job ${i}: buffer handed back`);
  }
  t.ok(pool.anyReady, 'workers reported ready');
});

t.test('a failing job rejects with E_IO and the worker keeps serving', async (t) => {
  const pool = new LeafWorkerPool(1);
  t.teardown(() => pool.terminate());
  await t.rejects(pool.hashLeaves(new ArrayBuffer(10), 10, 1000), { code: 'E_IO', message: /leaf hashing worker failed/ });
  const data = randomBytes(5000, 9);
  const r = await pool.hashLeaves(data.slice().buffer, data.length, 4096);
  t.equal(hex(r.leafHashes), hex(oracleLeafHashes(data, 4096)));
});

t.test('terminated workers reject new jobs', async (t) => {
  const pool = new LeafWorkerPool(1);
  await pool.terminate();
  await t.rejects(pool.hashLeaves(new ArrayBuffer(8), 8, 4096), { code: 'E_IO' });
});
