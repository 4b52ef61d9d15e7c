// The CUDA backend against host-sim and the CPU engine, on a real device: every case runs on
// cuda and host-sim (same lane operations, same kernel phases) and both must equal the CPU
// engine. Part of `npm run gpu-check`. Without a usable CUDA device the same suite runs as a dry
// run with a second host-sim device in the place of cuda, so its own logic is exercised in CI; the
// assertions then say "host-sim standing in for cuda", never "cuda".
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cpuEngine, nativeStatus, openDevice, type Device } from '../../lib/native/index.js';
import { hex, oracleLeafHashes } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

const status = nativeStatus();
const usable = status.loaded && status.withCuda && status.cudaDeviceCount > 0;
// What stands in the cuda place, named in every assertion so a dry run never reads as a GPU result.
const onWhat = usable ? 'cuda' : 'host-sim standing in for cuda (dry run)';
t.comment(
  usable ? 'running on a CUDA device' : `dry run: no usable CUDA device here (${status.reason ?? 'none found'})`,
);
await suite();

async function suite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-gpu-eq-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const MiB = 1024 * 1024;
  const cuda = usable
    ? await openDevice({ backend: 'cuda', faultInjection: true })
    : await openDevice({ backend: 'host-sim', capacityBytes: 512 * MiB, faultInjection: true });
  const sim = await openDevice({ backend: 'host-sim', capacityBytes: 160 * MiB, faultInjection: true });
  const freeAtStart = cuda.memInfo().free;

  // Seals the bytes on `device` through uploadFile, then reads back leaves, a sample and the root.
  async function digestOn(
    device: Device,
    file: string,
    size: number,
    leafSize: number,
    deviceOffset: number,
    chunkBytes?: number,
  ) {
    const a = await device.allocate(size + deviceOffset);
    const up = await a.uploadFile(file, { leafSize, deviceOffset, chunkBytes, sha256: true });
    const root = hex(await a.root(leafSize));
    const leaves = Math.ceil((size + deviceOffset) / leafSize);
    const sample = hex(await a.chosenLeafHashes(leafSize, [leaves - 1, 0, Math.floor(leaves / 2)]));
    const zeroed = await a.free();
    return { uploaded: hex(up.leafHashes), sha256: hex(up.sha256 ?? new Uint8Array()), root, sample, zeroed };
  }

  const cases = [
    { name: 'partial last leaf, aligned', size: 5 * MiB + 12_345, leafSize: 65536, offset: 0 },
    { name: 'unaligned destination (byte path)', size: 3 * MiB + 7, leafSize: 4096, offset: 3 },
    { name: 'many chunks (1 MiB chunks, 4 KiB leaves)', size: 24 * MiB + 1, leafSize: 4096, offset: 0, chunk: MiB },
    { name: '16 MiB leaves', size: 33 * MiB + 5, leafSize: 16 * MiB, offset: 0 },
    { name: 'one byte', size: 1, leafSize: 4096, offset: 0 },
  ];
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const data = randomBytes(c.size, c.size);
      const file = join(dir, `${c.size}.bin`);
      writeFileSync(file, data);
      const placed = new Uint8Array(c.size + c.offset);
      placed.set(data, c.offset);
      const expectedRoot = hex(await cpuEngine.mth(placed, c.leafSize));
      const onCuda = await digestOn(cuda, file, c.size, c.leafSize, c.offset, c.chunk);
      const onSim = await digestOn(sim, file, c.size, c.leafSize, c.offset, c.chunk);
      t.equal(onCuda.root, expectedRoot, `${onWhat}: root = CPU engine`);
      t.equal(onCuda.uploaded, hex(oracleLeafHashes(data, c.leafSize)), `${onWhat}: upload leaf hashes = oracle`);
      t.same(onCuda, onSim, `${onWhat} = host-sim (leaves, sha256, root, sample, zeroed)`);
      t.same(onCuda.zeroed, { zeroed: true });
    });
  }

  t.test('upload() then hash: no stale bytes, bit flip and restore', async (t) => {
    const data = randomBytes(17 * MiB + 3, 5);
    const a = await cuda.allocate(data.length);
    t.equal(a.isDeviceMemory(), usable, usable ? 'VRAM' : 'dry run: host memory');
    await a.upload(0, data);
    const clean = hex(await cpuEngine.mth(data, 65536));
    t.equal(hex(await a.root(65536)), clean);
    for (const offset of [0, 1, 65535, 65536, data.length - 1]) {
      await a.flipBits(offset, 0x01);
      t.not(hex(await a.root(65536)), clean, `${onWhat}: flip at ${offset} seen`);
      await a.flipBits(offset, 0x01);
    }
    t.equal(hex(await a.root(65536)), clean, `${onWhat}: restored`);
    await a.free();
  });

  t.test('8 parallel uploads', async (t) => {
    const data = randomBytes(12 * MiB + 99, 8);
    const file = join(dir, 'parallel.bin');
    writeFileSync(file, data);
    const expected = hex(oracleLeafHashes(data, 65536));
    const roots = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const a = await cuda.allocate(data.length);
        const r = await a.uploadFile(file, { leafSize: 65536 });
        const root = hex(await a.root(65536));
        await a.free();
        return { leaves: hex(r.leafHashes), root };
      }),
    );
    const root = hex(await cpuEngine.mth(data, 65536));
    for (const r of roots) t.same(r, { leaves: expected, root }, `${onWhat}: parallel upload = oracle`);
  });

  t.test(
    'a second GPU when present',
    { skip: status.cudaDeviceCount < 2 ? `${status.cudaDeviceCount} CUDA device(s) here` : false },
    async (t) => {
      const second = await openDevice({ backend: 'cuda', index: 1 });
      const data = randomBytes(9 * MiB + 1, 2);
      const a = await second.allocate(data.length);
      await a.upload(0, data);
      t.equal(hex(await a.root(65536)), hex(await cpuEngine.mth(data, 65536)));
      t.equal(a.isDeviceMemory(), true);
      await a.free();
      second.close();
    },
  );

  t.test('no leaked device memory', async (t) => {
    const free = cuda.memInfo().free;
    if (usable) {
      // Lanes keep their device scratch (leaf-hash output: a few KiB per MiB hashed, in 2 MiB
      // cudaMalloc granules); pinned staging is host memory. Every allocation must be back.
      t.ok(free >= freeAtStart - 64 * MiB, `cuda: free ${free} vs ${freeAtStart} at start (lane scratch < 64 MiB)`);
    } else {
      // host-sim counts allocations only: every byte must be back.
      t.equal(free, freeAtStart, `${onWhat}: free memory back to where it started`);
    }
    cuda.close();
    sim.close();
  });
}
