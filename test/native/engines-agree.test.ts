// Cross-engine agreement: the native CPU engine, the host-simulated device (the CUDA kernels'
// code) and the WASM module produce identical leaf hashes and roots, and equal the oracle.
import t from 'tap';
import fc from 'fast-check';

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
