// Misuse of devices and allocations ends in typed errors, never in memory corruption: bounds,
// double free, use after free, out of memory, foreign handles, fault injection when disabled.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

import { DeviceError } from '../../lib/errors.js';
import { loadNative, openDevice, type Allocation } from '../../lib/native/index.js';
import { NATIVE_LIMITS } from '../../lib/native/args.js';
import { hex, oracleMth } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-errors-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const device = await openDevice({ backend: 'host-sim', capacityBytes: 1024 * 1024, faultInjection: true });

t.test('out-of-range offsets and leaves are E_BOUNDS and leave memory untouched', async (t) => {
  const data = randomBytes(10_000, 1);
  const a = await device.allocate(10_000);
  await a.upload(0, data);
  await t.rejects(a.upload(9_999, new Uint8Array(2)), { code: 'E_BOUNDS' });
  await t.rejects(a.upload(10_001, new Uint8Array(0)), { code: 'E_BOUNDS' });
  await t.rejects(a.upload(2 ** 53 - 1, new Uint8Array(1)), { code: 'E_BOUNDS' });
  await t.rejects(a.leafHashes(4096, 2, 2), { code: 'E_BOUNDS' });
  await t.rejects(a.leafHashes(4096, 4, 0), { code: 'E_BOUNDS' });
  await t.rejects(a.chosenLeafHashes(4096, [0, 3]), { code: 'E_BOUNDS' });
  await t.rejects(a.flipBits(10_000, 1), { code: 'E_BOUNDS' });
  t.equal(hex(await a.root(4096)), hex(oracleMth(data, 4096)), 'contents unchanged');
  t.same(await a.leafHashes(4096, 3, 0), new Uint8Array(0), 'an empty range at the end is fine');
  await a.free();
});

t.test('bad arguments are E_ARG', async (t) => {
  const a = await device.allocate(4096);
  await t.rejects(a.upload(-1, new Uint8Array(1)), { code: 'E_ARG' });
  await t.rejects(a.upload(0.5, new Uint8Array(1)), { code: 'E_ARG' });
  await t.rejects(a.upload(0, [1, 2] as unknown as Uint8Array), { code: 'E_ARG' });
  await t.rejects(a.root(4095), { code: 'E_ARG' });
  await t.rejects(a.root(2 ** 25), { code: 'E_ARG' });
  await t.rejects(a.chosenLeafHashes(4096, [-1]), { code: 'E_ARG' });
  await t.rejects(a.flipBits(0, 0), { code: 'E_ARG' });
  await t.rejects(a.flipBits(0, 256), { code: 'E_ARG' });
  await t.rejects(a.uploadFile(join(dir, 'x'), { leafSize: 4096, chunkBytes: 5000 }), { code: 'E_ARG' });
  await t.rejects(device.allocate(0), { code: 'E_ARG' });
  await t.rejects(openDevice({ backend: 'tpu' as 'cuda' }), { code: 'E_ARG' });
  await t.rejects(openDevice({ backend: 'host-sim', index: 1024 }), { code: 'E_ARG' });
  await a.free();
});

t.test('the raw addon checks arguments too', async (t) => {
  const addon = loadNative();
  t.same(addon.status().limits, NATIVE_LIMITS, 'lib/native checks the limits of csrc/leaf_limits.h');
  await t.rejects(addon.openDevice({ backend: 'host-sim', index: -1, capacityBytes: 0 }), {
    code: 'E_ARG',
    message: /index/,
  });
  await t.rejects(addon.upload({ device: 999_999, allocation: 1, deviceOffset: 0, bytes: new Uint8Array(1) }), {
    code: 'E_ARG',
  });
  await t.rejects(addon.root({ device: 1, allocation: 999_999, leafSize: 4096 }), { code: 'E_ARG' });
  await t.rejects(addon.cpuMth({ data: new Uint8Array(1), leafSize: 3 }), { code: 'E_ARG', message: /leafSize/ });
  await t.rejects(addon.cpuMth({ data: 'x' as unknown as Uint8Array, leafSize: 4096 }), {
    code: 'E_ARG',
    message: /data must be a Uint8Array/,
  });
  // positional arguments (the old calling convention) are refused, not misread
  await t.rejects((addon.openDevice as unknown as (...a: unknown[]) => Promise<number>)('host-sim', 0, 0, false, 0), {
    code: 'E_ARG',
    message: /options object/,
  });
  await t.rejects((addon.root as unknown as (...a: unknown[]) => Promise<Uint8Array>)(1, 2, 4096), {
    code: 'E_ARG',
    message: /options object/,
  });
});

t.test('double free, use after free', async (t) => {
  const a = await device.allocate(5000);
  await a.free();
  const err = await a.free().catch((e: unknown) => e);
  t.ok(err instanceof DeviceError, 'a DeviceError');
  t.equal((err as DeviceError).code, 'E_FREED');
  await t.rejects(a.upload(0, new Uint8Array(1)), { code: 'E_FREED' });
  await t.rejects(a.root(4096), { code: 'E_FREED' });
  await t.rejects(a.leafHashes(4096, 0, 1), { code: 'E_FREED' });
  await t.rejects(a.chosenLeafHashes(4096, [0]), { code: 'E_FREED' });
  await t.rejects(a.flipBits(0, 1), { code: 'E_FREED' });
  await t.rejects(a.uploadFile(join(dir, 'x'), { leafSize: 4096 }), { code: 'E_FREED' });
  t.throws(() => a.isDeviceMemory(), { code: 'E_FREED' });
});

t.test('out of memory on host-sim is E_OUT_OF_MEMORY (retriable) and frees make room again', async (t) => {
  const big = await device.allocate(700 * 1024);
  const err = await device.allocate(400 * 1024).catch((e: unknown) => e);
  t.ok(err instanceof DeviceError);
  t.equal((err as DeviceError).code, 'E_OUT_OF_MEMORY');
  t.equal((err as DeviceError).retriable, true);
  t.match((err as Error).message, /capacityBytes/);
  await big.free();
  const again = await device.allocate(1024 * 1024);
  t.equal(device.memInfo().free, 0);
  await t.rejects(device.allocate(1), { code: 'E_OUT_OF_MEMORY' });
  await again.free();
});

t.test('foreign handles: another device, plain objects, wrong `this`', async (t) => {
  const other = await openDevice({ backend: 'host-sim', capacityBytes: 1024 * 1024 });
  const mine = await device.allocate(100);
  const theirs = await other.allocate(100);
  t.equal(device.owns(mine), true);
  t.equal(device.owns(theirs), false);
  t.equal(device.owns({ size: 100 }), false);
  await t.rejects(device.release(theirs), { code: 'E_ARG' });
  await t.rejects(device.release({ size: 1 } as unknown as Allocation), { code: 'E_ARG' });
  const fake = { size: 100, backend: 'host-sim' };
  await t.rejects(mine.upload.call(fake as unknown as Allocation, 0, new Uint8Array(1)), { code: 'E_ARG' });
  await t.rejects(mine.root.call(fake as unknown as Allocation, 4096), { code: 'E_ARG' });
  await t.rejects(mine.free.call(fake as unknown as Allocation), { code: 'E_ARG' });
  const copy = { ...mine } as Allocation;
  t.throws(() => Object.getPrototypeOf(mine).isDeviceMemory.call(copy), { code: 'E_ARG' });
  // Raw handles: an allocation handle used with the wrong device handle is refused.
  const addon = loadNative();
  await t.rejects(addon.root({ device: 1_000_000, allocation: 1, leafSize: 4096 }), { code: 'E_ARG' });
  await device.release(mine);
  await theirs.free();
  other.close();
});

t.test('fault injection is refused unless the device was opened for it', async (t) => {
  const plain = await openDevice({ backend: 'host-sim', capacityBytes: 1024 * 1024 });
  const a = await plain.allocate(10);
  await t.rejects(a.flipBits(0, 1), { code: 'E_POLICY' });
  await a.free();
  plain.close();
});

t.test('a closed device refuses new allocations but its allocations can still be freed', async (t) => {
  const d = await openDevice({ backend: 'host-sim', capacityBytes: 1024 * 1024 });
  const a = await d.allocate(10);
  d.close();
  await t.rejects(d.allocate(10), { code: 'E_CLOSED' });
  t.throws(() => d.memInfo(), { code: 'E_CLOSED' });
  await a.upload(0, new Uint8Array(10));
  await a.free();
});

t.test('free waits for operations already running; later ones see E_FREED', async (t) => {
  const size = 900 * 1024;
  const data = randomBytes(size, 11);
  const a = await device.allocate(size);
  await a.upload(0, data);
  const expected = hex(oracleMth(data, 4096));
  const roots = Array.from({ length: 6 }, () => a.root(4096));
  const freed = a.free();
  const late = a.root(4096).then(
    () => null,
    (e: unknown) => e,
  );
  for (const r of await Promise.all(roots)) t.equal(hex(r), expected, 'in-flight root completed on intact memory');
  await freed;
  t.match(await late, { code: 'E_FREED' }, 'an op started after free() is refused');
  t.equal(device.memInfo().free, 1024 * 1024, 'memory returned');
});

t.test('missing files and short files are E_IO / E_BOUNDS', async (t) => {
  const a = await device.allocate(10_000);
  await t.rejects(a.uploadFile(join(dir, 'missing.bin'), { leafSize: 4096 }), { code: 'E_IO' });
  const file = join(dir, 'short.bin');
  writeFileSync(file, new Uint8Array(100));
  await t.rejects(a.uploadFile(file, { leafSize: 4096, length: 101 }), { code: 'E_BOUNDS' });
  writeFileSync(file, new Uint8Array(20_000));
  await t.rejects(a.uploadFile(file, { leafSize: 4096 }), { code: 'E_BOUNDS' }, 'larger than the allocation');
  await a.free();
});

t.test('error messages and JSON never carry addresses', async (t) => {
  const a = await device.allocate(10);
  await a.free();
  const err = (await a.upload(0, new Uint8Array(1)).catch((e: unknown) => e)) as DeviceError;
  t.notMatch(err.message, /0x[0-9a-f]{6,}/i);
  t.notMatch(JSON.stringify(err), /0x[0-9a-f]{6,}/i);
  t.notMatch(JSON.stringify(a), /0x[0-9a-f]{6,}/i);
});

t.test('an allocation dropped without free() is freed when collected', async (t) => {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const d = await openDevice({ backend: 'host-sim', capacityBytes: 1024 * 1024 });
  await (async () => {
    await d.allocate(512 * 1024);
  })();
  t.equal(d.memInfo().free, 512 * 1024);
  for (let i = 0; i < 50 && d.memInfo().free < 1024 * 1024; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  t.equal(d.memInfo().free, 1024 * 1024, 'memory returned after collection');
  d.close();
});
