// Properties against the node:crypto oracle (test/helpers/oracle.ts): random data, sizes around
// leaf boundaries, random chunk splits, the 4-lane SIMD path and the scalar path.
import t from 'tap';
import fc from 'fast-check';
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { loadWasm } from '../../lib/wasm/index.js';
import { hex, oracleLeafHashes, oracleMth, oracleRootFromLeafHashes } from '../helpers/oracle.js';
import { randomBytes, splitAt } from '../helpers/random-bytes.js';

const wasm = await loadWasm();
const KiB = 1024;
const MiB = 1024 * KiB;

const leafSizeArb = fc.constantFrom(4 * KiB, 8 * KiB, 64 * KiB, 256 * KiB, 1 * MiB);
/** A size of 0 … 9 leaves, often exactly on or one byte off a leaf boundary. */
const sizeFor = (leafSize: number) =>
  fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: -1, max: 1 }))
      .map(([k, d]) => Math.max(0, k * leafSize + d)),
    fc.integer({ min: 0, max: 9 * leafSize }),
  );
const caseArb = leafSizeArb.chain((leafSize) =>
  fc.record({
    leafSize: fc.constant(leafSize),
    size: sizeFor(leafSize),
    seed: fc.integer(),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
  }),
);

t.test('mthSha256 equals the oracle', async (t) => {
  fc.assert(
    fc.property(caseArb, ({ leafSize, size, seed }) => {
      const data = randomBytes(size, seed);
      return hex(wasm.mthSha256(data, leafSize)) === hex(oracleMth(data, leafSize));
    }),
    { numRuns: 40 },
  );
  t.pass('40 random cases');
});

t.test('streaming mth-sha256 (and its leaf hashes) over random chunk splits equals the oracle', async (t) => {
  fc.assert(
    fc.property(caseArb, ({ leafSize, size, seed, cuts }) => {
      const data = randomBytes(size, seed);
      const leafHashes: Uint8Array[] = [];
      const stream = wasm.createMth(leafSize, { onLeafHashes: (h) => leafHashes.push(h) });
      for (const chunk of splitAt(data, cuts)) stream.update(chunk);
      const expectedLeaves = Math.ceil(size / leafSize);
      return (
        stream.leafCount() === expectedLeaves &&
        hex(stream.digest()) === hex(oracleMth(data, leafSize)) &&
        hex(Buffer.concat(leafHashes)) === hex(oracleLeafHashes(data, leafSize))
      );
    }),
    { numRuns: 40 },
  );
  t.pass('40 random cases');
});

t.test('streaming SHA-256 over random chunk splits equals node:crypto', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 9 * MiB }),
      fc.integer(),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      (size, seed, cuts) => {
        const data = randomBytes(size, seed);
        const stream = wasm.createSha256();
        for (const chunk of splitAt(data, cuts)) stream.update(chunk);
        const expected = createHash('sha256').update(data).digest('hex');
        return hex(stream.digest()) === expected && hex(wasm.sha256(data)) === expected;
      },
    ),
    { numRuns: 30 },
  );
  t.pass('30 random cases');
});

t.test('hashLeaves equals the oracle leaf hashes; combineLeafHashes equals the oracle root', async (t) => {
  fc.assert(
    fc.property(caseArb, ({ leafSize, size, seed }) => {
      const data = randomBytes(size, seed);
      const leaves = wasm.hashLeaves(data, leafSize);
      return (
        hex(leaves) === hex(oracleLeafHashes(data, leafSize)) &&
        hex(wasm.combineLeafHashes(leaves)) === hex(oracleMth(data, leafSize))
      );
    }),
    { numRuns: 30 },
  );
  // Arbitrary leaf-hash lists exercise the subtree stack at every count, not only data-shaped ones.
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1100 }),
      fc.integer(),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
      (count, seed, cuts) => {
        const hashes = randomBytes(count * 32, seed);
        const combiner = wasm.createLeafCombiner();
        let from = 0;
        for (const cut of [...cuts.map((f) => Math.floor(f * count) * 32).sort((a, b) => a - b), hashes.length]) {
          combiner.push(hashes.subarray(from, cut));
          from = cut;
        }
        return combiner.leafCount() === count && hex(combiner.digest()) === hex(oracleRootFromLeafHashes(hashes));
      },
    ),
    { numRuns: 60 },
  );
  t.pass('random data and random leaf-hash lists');
});

t.test('SIMD (4 leaves at once) and scalar paths agree with the oracle at every group boundary', async (t) => {
  // Full leaves k: 1–3 only scalar, 4 only SIMD, 5–9 both; ±1 byte moves the short last leaf.
  // 8 MiB leaves are larger than the 4 MiB stage: every leaf straddles absorb calls (scalar).
  const cases: [number, number][] = [];
  for (const leafSize of [4 * KiB, 1 * MiB])
    for (let k = 1; k <= 9; k++) for (const d of [-1, 0, 1]) cases.push([leafSize, k * leafSize + d]);
  cases.push([8 * MiB, 8 * MiB - 1], [8 * MiB, 8 * MiB], [8 * MiB, 8 * MiB + 1], [16 * MiB, 16 * MiB + 5 * KiB]);
  const data = randomBytes(16 * MiB + 5 * KiB, 7);
  for (const [leafSize, size] of cases) {
    const bytes = data.subarray(0, size);
    t.equal(hex(wasm.mthSha256(bytes, leafSize)), hex(oracleMth(bytes, leafSize)), `L=${leafSize} n=${size}`);
  }
});

t.test('HMAC-SHA256 and HKDF-SHA256 equal node:crypto', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 3000 }), (key, data) => {
      return hex(wasm.hmacSha256(key, data)) === createHmac('sha256', key).update(data).digest('hex');
    }),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 100 }),
      fc.option(fc.uint8Array({ maxLength: 100 })),
      fc.uint8Array({ maxLength: 100 }),
      fc.integer({ min: 1, max: 255 * 32 }),
      (ikm, salt, info, length) => {
        const expected = new Uint8Array(hkdfSync('sha256', ikm, salt ?? new Uint8Array(0), info, length));
        return hex(wasm.hkdfSha256(ikm, salt, info, length)) === hex(expected);
      },
    ),
    { numRuns: 100 },
  );
  t.pass('random keys, data, salts, lengths');
});
