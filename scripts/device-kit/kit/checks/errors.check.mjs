// Errors on the device under test: non-sticky failures (bounds, arguments, out of memory, use after
// free) are typed and leave the device usable; a sticky loss is per device, refuses every later
// call with E_DEVICE_LOST and frees report zeroed: false; a CUDA device cannot be marked lost by a
// drill (only a real sticky error does that); every free zeroes first ({ zeroed: true }).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MiB, hex, native, onDevice, openSim, openTarget, oracleMth, randomBytes } from './common.mjs';

const target = await openTarget({ faultInjection: true });
after(() => target.close());

async function stillWorks(device, label) {
  const data = randomBytes(3 * MiB + 1, 77);
  const a = await device.allocate(data.length);
  await a.upload(0, data);
  assert.equal(hex(await a.root(65536)), hex(oracleMth(data, 65536)), `${label}: the device still hashes correctly`);
  assert.deepEqual(await a.free(), { zeroed: true });
}

test('non-sticky errors are typed and leave the device usable', async () => {
  const a = await target.allocate(10_000);
  const data = randomBytes(10_000, 3);
  await a.upload(0, data);
  await assert.rejects(a.upload(9_999, new Uint8Array(2)), { code: 'E_BOUNDS' });
  await assert.rejects(a.chosenLeafHashes(4096, [0, 3]), { code: 'E_BOUNDS' });
  await assert.rejects(a.root(4095), { code: 'E_ARG' });
  assert.equal(hex(await a.root(4096)), hex(oracleMth(data, 4096)), 'contents unchanged by the refused calls');
  assert.deepEqual(await a.free(), { zeroed: true });
  await assert.rejects(a.free(), { code: 'E_FREED' });
  await assert.rejects(a.root(4096), { code: 'E_FREED' });
  await stillWorks(target, 'after bounds / argument / freed errors');
});

test('out of device memory is E_OUT_OF_MEMORY (retriable), and the device recovers', async () => {
  const { total } = target.memInfo();
  const err = await target.allocate(total + 64 * MiB).catch((e) => e);
  assert.equal(err?.code, 'E_OUT_OF_MEMORY', `allocating more than the device's ${total} bytes: ${err?.message}`);
  assert.equal(err.retriable, true);
  assert.doesNotMatch(err.message, /0x[0-9a-f]{6,}/i, 'no addresses in messages');
  await stillWorks(target, 'after out of memory');
});

test(
  onDevice ? 'a CUDA device cannot be marked lost by a drill' : 'dry run: the stand-in host-sim device can be lost',
  async () => {
    if (onDevice) {
      assert.throws(() => target.simulateLoss(), { code: 'E_POLICY' });
      await stillWorks(target, 'after the refused drill');
    } else {
      const d = await openSim({ faultInjection: true });
      d.simulateLoss();
      await assert.rejects(d.allocate(10), { code: 'E_DEVICE_LOST' });
      d.close();
    }
  },
);

test('a lost device is sticky and per device: every later call is E_DEVICE_LOST, frees are not zeroed', async () => {
  const lost = await openSim({ faultInjection: true });
  const a = await lost.allocate(1 * MiB);
  await a.upload(0, randomBytes(MiB, 9));
  const onTarget = await target.allocate(2 * MiB);
  lost.simulateLoss();
  for (let i = 0; i < 3; i++) {
    const err = await a.root(65536).catch((e) => e);
    assert.ok(err instanceof native.DeviceLostError, `call ${i}: DeviceLostError (${err?.message})`);
    assert.equal(err.code, 'E_DEVICE_LOST');
  }
  await assert.rejects(lost.allocate(10), { code: 'E_DEVICE_LOST' });
  assert.deepEqual(await a.free(), { zeroed: false }, 'memory of a lost device cannot be zeroed, and says so');
  lost.close();
  await onTarget.upload(0, randomBytes(2 * MiB, 10));
  assert.equal(
    hex(await onTarget.root(65536)),
    hex(oracleMth(randomBytes(2 * MiB, 10), 65536)),
    'the device under test is unaffected',
  );
  assert.deepEqual(await onTarget.free(), { zeroed: true });
});

test('zeroing on release: every free zeroes first, also after the device is closed', async (t) => {
  const sizes = [1, 4096, 5 * MiB + 3, 64 * MiB];
  for (const size of sizes) {
    const a = await target.allocate(size);
    await a.upload(0, randomBytes(size, size));
    assert.deepEqual(await a.free(), { zeroed: true }, `${size} bytes zeroed before release`);
  }
  // Observation only (an allocator may hand back other memory): does a same-size allocation read as zeros?
  const size = 8 * MiB;
  const a = await target.allocate(size);
  await a.upload(0, randomBytes(size, 1));
  await a.free();
  const b = await target.allocate(size);
  const zerosRoot = hex(oracleMth(new Uint8Array(size), 65536));
  t.diagnostic(`re-allocated ${size} bytes read as zeros: ${hex(await b.root(65536)) === zerosRoot}`);
  await b.free();
  const d = await openTarget();
  const c = await d.allocate(MiB);
  await c.upload(0, randomBytes(MiB, 2));
  d.close();
  assert.deepEqual(await c.free(), { zeroed: true }, 'an allocation outliving its device handle is still zeroed');
});
