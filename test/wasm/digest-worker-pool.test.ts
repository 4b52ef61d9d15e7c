// The worker pool behind digestFile, on its own: digestFile hashes on the main thread while
// workers start (about a second each under tap's TS loader), so its tests alone might never
// reach a worker.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDLE_MS, LeafWorkerPool, acquireLeafPool, releaseLeafPool } from '../../lib/engines/digest-worker-pool.js';
import { compileWasmModule } from '../../lib/wasm/index.js';
import { hex, oracleLeafHashes, oracleRootFromLeafHashes } from '../helpers/oracle.js';
import { repoRoot } from '../helpers/vectors.js';
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
  const pool = new LeafWorkerPool(2, { module: await compileWasmModule() });
  t.teardown(() => pool.terminate());
  const jobs = [
    { position: 0, length: 4 * MiB, leafSize: 65536 },
    { position: 4 * MiB, length: 1_000_003, leafSize: 4096 },
    { position: 8 * MiB, length: 1, leafSize: 65536 },
    { position: 12 * MiB, length: 3 * 65536 + 5, leafSize: 65536 },
    { position: 16 * MiB, length: 9 * MiB + 1, leafSize: 8 * MiB }, // leaves larger than the stage
    { position: 26 * MiB, length: 4 * MiB + 7, leafSize: 1 * MiB }, // up to the end of the file
  ];
  const results = await Promise.all(jobs.map((j) => pool.hashLeaves(fd, j.position, j.length, j.leafSize)));
  for (const [i, r] of results.entries()) {
    const j = jobs[i]!;
    const expected = oracleLeafHashes(data.subarray(j.position, j.position + j.length), j.leafSize);
    t.equal(hex(r.leafHashes), hex(expected), `job ${i}: [${j.position}, +${j.length}) L=${j.leafSize}`);
  }
  t.ok(pool.anyReady, 'workers reported ready');
});

t.test('failing jobs reject with E_IO and the worker keeps serving', async (t) => {
  const pool = new LeafWorkerPool(1, {});
  t.teardown(() => pool.terminate());
  await t.rejects(
    pool.hashLeaves(fd, 0, 10, 1000),
    { code: 'E_IO', message: /leaf hashing worker failed/ },
    'bad leaf size',
  );
  await t.rejects(
    pool.hashLeaves(fd, data.length - 5, 10, 4096),
    { code: 'E_IO', message: /changed while being digested/ },
    'past the end',
  );
  const r = await pool.hashLeaves(fd, 65536, 5000, 4096);
  t.equal(hex(r.leafHashes), hex(oracleLeafHashes(data.subarray(65536, 70536), 4096)));
});

t.test('terminated workers reject new jobs', async (t) => {
  const pool = new LeafWorkerPool(1, {});
  await pool.terminate();
  await t.rejects(pool.hashLeaves(fd, 0, 8, 4096), { code: 'E_IO' });
});

t.test('the shared pool of digestFile: handed out again warm, terminated when idle', async (t) => {
  const module = await compileWasmModule();
  const expected = hex(oracleLeafHashes(data.subarray(0, 4 * MiB), 65536));
  const first = acquireLeafPool(2, module);
  t.equal(hex((await first.hashLeaves(fd, 0, 4 * MiB, 65536)).leafHashes), expected);
  await releaseLeafPool(first, 60_000);
  const again = acquireLeafPool(2, module);
  t.equal(again, first, 'the same pool, its workers already started');
  t.ok(again.anyReady);
  t.equal(hex((await again.hashLeaves(fd, 0, 4 * MiB, 65536)).leafHashes), expected);

  const other = acquireLeafPool(1, module);
  t.not(other, first, 'another size while the shared pool is in use: a pool of its own');
  await releaseLeafPool(other);
  await t.rejects(other.hashLeaves(fd, 0, 8, 4096), { code: 'E_IO' }, 'which is terminated on release');

  await releaseLeafPool(again, 50);
  for (let i = 0; i < 100 && !first.broken; i++) await sleep(50);
  t.ok(first.broken, 'the idle pool was terminated');
  await t.rejects(first.hashLeaves(fd, 0, 8, 4096), { code: 'E_IO' });
  const fresh = acquireLeafPool(2, module);
  t.not(fresh, first, 'a terminated pool is not handed out');
  await releaseLeafPool(fresh, 0);
});

const built = join(repoRoot, 'dist', 'engines', 'wasm-digest.js');
t.test(
  'an idle warm pool does not keep the process alive',
  { skip: existsSync(built) ? false : `${built} is absent; run npm run build` },
  async (t) => {
    // Two calls (the second on the warm pool); the child must reach beforeExit while the pool is
    // still alive, not only once the idle timer has terminated it.
    const pool = pathToFileURL(join(repoRoot, 'dist', 'engines', 'digest-worker-pool.js')).href;
    const script = `
    import { digestFile } from ${JSON.stringify(pathToFileURL(built).href)};
    import { sharedLeafPool } from ${JSON.stringify(pool)};
    const a = await digestFile(${JSON.stringify(path)}, { threads: 2 });
    const b = await digestFile(${JSON.stringify(path)}, { threads: 2 });
    const warm = sharedLeafPool();
    process.on('beforeExit', () => console.log(JSON.stringify({
      a: Buffer.from(a.digest).toString('hex'), b: Buffer.from(b.digest).toString('hex'),
      warm: warm !== undefined, aliveAtExit: sharedLeafPool() === warm && !warm.broken })));
  `;
    // A file, not --input-type=module -e: workers inherit execArgv, and with tap's loader hooks
    // that flag makes them fail to start (ERR_INPUT_TYPE_NOT_ALLOWED) from time to time.
    const scriptPath = join(dir, 'child.mjs');
    writeFileSync(scriptPath, script);
    const out = JSON.parse(execFileSync(process.execPath, [scriptPath], { encoding: 'utf8' }));
    const root = hex(oracleRootFromLeafHashes(oracleLeafHashes(data, 65536)));
    t.equal(out.a, root, 'first call: oracle digest');
    t.equal(out.b, root, 'second call: oracle digest');
    t.ok(out.warm, 'a warm pool was left after the calls');
    t.ok(
      out.aliveAtExit,
      `the process reached exit with the pool still alive (idle timeout ${IDLE_MS} ms not waited for)`,
    );
  },
);
