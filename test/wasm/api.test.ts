// Argument checking, finalization, independence of streams and instances, slot reuse checked
// against independent oracles (node:crypto, the test oracle), seal-key hygiene.
import t from 'tap';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { InvalidArgumentError } from '../../lib/errors.js';
import {
  DEFAULT_LEAF_SIZE,
  assertLeafSize,
  createWasmCrypto,
  loadWasm,
  type SealRecordFields,
} from '../../lib/wasm/index.js';
import { hex, oracleMth } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';

const wasm = await loadWasm();
const ARG = { name: 'InvalidArgumentError', code: 'E_ARG' };
const isArgError = (e: unknown) => e instanceof InvalidArgumentError && e.code === 'E_ARG';

t.test('leaf sizes: powers of two in 4096 … 16777216 only', async (t) => {
  t.equal(DEFAULT_LEAF_SIZE, 65536);
  for (const ok of [4096, 65536, 16777216]) t.doesNotThrow(() => assertLeafSize(ok), `${ok}`);
  for (const bad of [0, 2048, 4095, 4097, 65535, 33554432, 1.5, NaN, -4096]) {
    t.throws(() => assertLeafSize(bad), ARG, `${bad} rejected`);
    t.throws(() => wasm.mthSha256(new Uint8Array(1), bad), ARG, `mthSha256 rejects ${bad}`);
    t.throws(() => wasm.createMth(bad), ARG, `createMth rejects ${bad}`);
    t.throws(() => wasm.hashLeaves(new Uint8Array(1), bad), ARG, `hashLeaves rejects ${bad}`);
  }
});

t.test('non-Uint8Array inputs are E_ARG', async (t) => {
  const bad = ['abc', [1, 2], null, undefined, new ArrayBuffer(4), 5] as unknown as Uint8Array[];
  for (const b of bad) {
    t.throws(() => wasm.sha256(b), ARG);
    t.throws(() => wasm.hmacSha256(b, new Uint8Array(1)), ARG);
    t.throws(() => wasm.hmacSha256(new Uint8Array(1), b), ARG);
    t.throws(() => wasm.createSha256().update(b), ARG);
    t.throws(() => wasm.createMth(4096).update(b), ARG);
    t.throws(() => wasm.combineLeafHashes(b), ARG);
  }
  t.throws(() => wasm.combineLeafHashes(new Uint8Array(33)), ARG, 'leaf hashes not a multiple of 32');
  t.throws(() => wasm.createMth(4096, { onLeafHashes: 5 as never }), ARG, 'onLeafHashes not a function');
  t.throws(() => wasm.hkdfSha256(new Uint8Array(1), null, new Uint8Array(0), 8161), ARG, 'HKDF length > 255·32');
  t.ok(
    Buffer.from(wasm.sha256(new Uint8Array(Buffer.from('abc')))).equals(wasm.sha256(Buffer.from('abc'))),
    'Buffer is a Uint8Array',
  );
});

t.test('digest() finalizes; further use is E_ARG', async (t) => {
  for (const s of [wasm.createSha256(), wasm.createMth(4096), wasm.createLeafCombiner()]) {
    if ('update' in s) s.update(new Uint8Array(10));
    s.digest();
    t.throws(() => s.digest(), ARG);
    if ('update' in s) t.throws(() => s.update(new Uint8Array(1)), ARG);
  }
});

t.test('concurrent streams are independent, and finished streams free their slot', async (t) => {
  const a = randomBytes(300_000, 1);
  const b = randomBytes(300_000, 2);
  const sa = wasm.createMth(4096);
  const sb = wasm.createMth(8192);
  const sha = wasm.createSha256();
  for (let off = 0; off < a.length; off += 7_777) {
    sa.update(a.subarray(off, off + 7_777));
    sha.update(a.subarray(off, off + 7_777));
    sb.update(b.subarray(off, off + 7_777));
    wasm.mthSha256(b.subarray(0, 5000), 4096); // one-shot work in between must not disturb them
  }
  t.equal(hex(sa.digest()), hex(oracleMth(a, 4096)));
  t.equal(hex(sb.digest()), hex(oracleMth(b, 8192)));
  t.equal(hex(sha.digest()), createHash('sha256').update(a).digest('hex'), 'sha stream = node:crypto');
});

t.test('slots are finite, digest() gives them back, and a reused slot starts clean', async (t) => {
  // A fresh instance, so that streams left open elsewhere cannot change the count.
  const w = await createWasmCrypto();
  const open: ReturnType<typeof w.createMth>[] = [];
  const full = (() => {
    for (let i = 0; i < 100_000; i++) {
      try {
        open.push(w.createMth(4096));
      } catch (err) {
        return err as { code?: string };
      }
    }
    return null;
  })();
  const slots = open.length;
  t.match(full, { code: 'E_OUT_OF_MEMORY' }, `the pool is finite: ${slots} streams, then E_OUT_OF_MEMORY`);
  t.ok(slots >= 2, 'more than one slot');
  t.throws(() => w.createSha256(), { code: 'E_OUT_OF_MEMORY' }, 'sha streams share the pool');

  // Every open stream but one holds part of its own data across what follows.
  const inputs = open.map((_, i) => randomBytes(10_000 + i * 13, 100 + i));
  for (const [i, s] of open.entries()) s.update(inputs[i]!.subarray(0, 4_321));
  const last = open.pop()!;
  last.update(inputs[slots - 1]!).digest();
  // The one free slot, taken and given back 3 × (pool size) times: more streams than the pool
  // holds, each a different leaf size and input, each checked against the independent oracle.
  let matched = 0;
  for (let i = 0; i < 3 * slots; i++) {
    const leaf = [4096, 8192, 65536][i % 3]!;
    const data = randomBytes(1 + ((i * 7919) % 40_000), 5000 + i);
    if (i % 4 === 3) {
      if (hex(w.createSha256().update(data).digest()) === createHash('sha256').update(data).digest('hex')) matched++;
    } else if (hex(w.createMth(leaf).update(data).digest()) === hex(oracleMth(data, leaf))) matched++;
  }
  t.equal(matched, 3 * slots, `${3 * slots} streams through the one free slot, each = the oracle`);
  // The held streams were not disturbed by the reused slot's traffic.
  const held = open.map((s, i) => hex(s.update(inputs[i]!.subarray(4_321)).digest()));
  t.same(
    held,
    inputs.slice(0, slots - 1).map((d) => hex(oracleMth(d, 4096))),
    `the ${slots - 1} held streams = the oracle`,
  );
  const again: unknown[] = [];
  t.doesNotThrow(() => {
    while (again.length < slots) again.push(w.createMth(4096));
  }, `all ${slots} slots free again after digest()`);
  t.throws(() => w.createMth(4096), { code: 'E_OUT_OF_MEMORY' }, 'and no more than that');
});

t.test('separate instances share nothing', async (t) => {
  const other = await createWasmCrypto();
  t.not(other, wasm);
  const s1 = wasm.createMth(4096).update(new Uint8Array(5000));
  const s2 = other.createMth(4096).update(new Uint8Array(5000));
  t.same(s1.digest(), s2.digest());
  t.equal(await loadWasm(), wasm, 'loadWasm is a cached singleton');
});

const token = 'super-secret-worker-token-0123456789';
const record: SealRecordFields = {
  shardId: 'shard-1',
  digestAlg: 'mth-sha256',
  leafSize: 65536,
  size: 10,
  digest: 'ab'.repeat(32),
  contentSha256: null,
  device: 0,
  deviceUuid: null,
  backend: 'host-sim',
  sealedAt: '2026-11-23T19:01:45.123Z',
  workerId: 'w1',
  modelRef: 'm',
  shardIndex: null,
  shardCount: null,
  kid: '0123456789abcdef',
};

t.test('seal keys: token length rule, never echoed, only kid visible, dispose wipes', async (t) => {
  for (const bad of ['short', 'x'.repeat(15), 'é'.repeat(2049), 'y'.repeat(4097)]) {
    let caught: unknown;
    try {
      wasm.sealKey(bad);
    } catch (e) {
      caught = e;
    }
    t.ok(isArgError(caught), `${bad.length} chars rejected`);
    t.notOk(JSON.stringify(caught).includes(bad) || String(caught).includes(bad), 'token not echoed');
  }
  t.throws(() => wasm.sealKey(42 as unknown as string), ARG);
  t.doesNotThrow(() => wasm.sealKey('x'.repeat(16)).dispose(), '16 bytes ok');
  t.doesNotThrow(() => wasm.sealKey('é'.repeat(2048)).dispose(), '4096 bytes of UTF-8 ok');

  const key = wasm.sealKey(token);
  t.match(key.kid, /^[0-9a-f]{16}$/);
  for (const shown of [String(key), JSON.stringify(key), inspect(key), inspect({ key }, { depth: 5 })]) {
    t.ok(shown.includes(key.kid) && !shown.includes(token), `shows kid only: ${shown}`);
  }
  t.equal(Object.keys(key).join(','), 'kid', 'no enumerable secret state');
  const mac = key.mac(record);
  t.match(mac, /^[0-9a-f]{64}$/);
  t.equal(wasm.sealKey(token).mac(record), mac, 'same token, same MAC');
  t.not(wasm.sealKey(token + '!').mac(record), mac, 'other token, other MAC');
  t.not(key.mac({ ...record, size: 11 }), mac, 'MAC covers the members');
  key.dispose();
  key.dispose();
  t.throws(() => key.mac(record), { code: 'E_CLOSED' }, 'disposed key refuses');
});

t.test('MAC input framing rejects values SPEC §3 cannot frame', async (t) => {
  t.throws(() => wasm.sealMacInput({ ...record, size: 1.5 }), ARG);
  t.throws(() => wasm.sealMacInput({ ...record, device: -1 }), ARG);
  t.throws(() => wasm.sealMacInput({ ...record, modelRef: 'x'.repeat(3 * 1024 * 1024) }), ARG);
  const framed = wasm.sealMacInput(record);
  t.equal(Buffer.from(framed.subarray(0, 23)).toString('latin1'), 'vram-residency.seal.v1\0');
});
