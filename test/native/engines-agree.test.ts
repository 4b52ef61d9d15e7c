// Cross-engine agreement: the native CPU engine, the host-simulated device (the CUDA kernels'
// code) and the WASM module produce identical leaf hashes and roots, and equal the oracle; empty
// input included.
import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';

import { loadWasm } from '../../lib/wasm/index.js';
import { cpuEngine, openDevice } from '../../lib/native/index.js';
import { hex, oracleMth } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

t.test('native CPU engine, host-sim device and WASM agree', async (t) => {
  const wasm = await loadWasm();
  const device = await openDevice({ backend: 'host-sim', capacityBytes: 64 * 1024 * 1024, threads: 2 });
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 2 * 1024 * 1024 }),
      fc.integer({ min: 12, max: 20 }).map((e) => 2 ** e),
      fc.integer(),
      async (size, leafSize, seed) => {
        const data = randomBytes(size, seed);
        const a = await device.allocate(size);
        try {
          await a.upload(0, data);
          const count = Math.ceil(size / leafSize);
          const deviceLeaves = hex(await a.leafHashes(leafSize, 0, count));
          const deviceRoot = hex(await a.root(leafSize));
          const cpuRoot = hex(await cpuEngine.mth(data, leafSize, 2));
          return (
            deviceLeaves === hex(wasm.hashLeaves(data, leafSize)) &&
            deviceRoot === hex(wasm.mthSha256(data, leafSize)) &&
            cpuRoot === deviceRoot &&
            cpuRoot === hex(oracleMth(data, leafSize))
          );
        } finally {
          await a.free();
        }
      },
    ),
    { numRuns: 25 },
  );
  t.pass('25 random inputs');
  device.close();
});

t.test('empty input: every engine gives SHA-256 of nothing, as SPEC §1 defines', async (t) => {
  const wasm = await loadWasm();
  const empty = new Uint8Array(0);
  const nothing = createHash('sha256').digest('hex');
  t.equal(hex(oracleMth(empty, 4096)), nothing, 'the oracle');
  for (const leafSize of [4096, 65536, 16 * 1024 * 1024]) {
    t.equal(hex(await cpuEngine.mth(empty, leafSize, 2)), nothing, `native CPU engine, leaf ${leafSize}`);
    t.equal(hex(wasm.mthSha256(empty, leafSize)), nothing, `WASM, leaf ${leafSize}`);
    t.equal(wasm.hashLeaves(empty, leafSize).length, 0, `WASM: no leaf hashes, leaf ${leafSize}`);
  }
  // A device allocation holds at least one byte: an empty one is refused, not hashed as something.
  const device = await openDevice({ backend: 'host-sim', capacityBytes: 1024 * 1024 });
  await t.rejects(device.allocate(0), { code: 'E_ARG' }, 'host-sim: a 0-byte allocation is E_ARG');
  device.close();
});
