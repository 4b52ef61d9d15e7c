import t from 'tap';
import fc from 'fast-check';
import {
  detectionProbability,
  mismatchedLeaves,
  sampleLeafIndices,
  samplesForConfidence,
} from '../../lib/manager/sampling.js';

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

t.test('sampled indices are distinct, sorted and in range', async () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 64 }), (m, s) => {
      const idx = sampleLeafIndices(m, s);
      return (
        idx.length === Math.min(m, s) &&
        new Set(idx).size === idx.length &&
        idx.every((v, i) => v >= 0 && v < m && (i === 0 || idx[i - 1]! < v))
      );
    }),
  );
});

t.test('detection probability equals the hypergeometric closed form', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      (m, k0, s0) => {
        const k = Math.min(k0, m);
        const s = Math.min(s0, m);
        const exact = k === 0 || s === 0 ? 0 : 1 - binomial(m - k, s) / binomial(m, s);
        return Math.abs(detectionProbability(m, k, s) - exact) < 1e-9;
      },
    ),
  );
  t.equal(samplesForConfidence(1000, 10, 0.99), 368, 'catching 1% damage with 99% confidence takes 368 of 1000 leaves');
});

t.test('empirical detection rate matches the prediction', async (t) => {
  // One damaged leaf in 40, 6 samples: p = 0.15. 4000 trials; a 6-sigma band never fails by chance.
  const m = 40;
  const damaged = 17;
  const s = 6;
  const trials = 4000;
  let caught = 0;
  for (let i = 0; i < trials; i++) if (sampleLeafIndices(m, s).includes(damaged)) caught++;
  const p = detectionProbability(m, 1, s);
  const sigma = Math.sqrt(trials * p * (1 - p));
  t.ok(
    Math.abs(caught - trials * p) < 6 * sigma,
    `caught ${caught} of ${trials}, predicted ${(trials * p).toFixed(0)} ± ${sigma.toFixed(1)}`,
  );
});

t.test('mismatchedLeaves names exactly the differing leaves', async (t) => {
  const list = new Uint8Array(32 * 8).map((_, i) => i & 0xff);
  const fresh = new Uint8Array(32 * 3);
  [1, 4, 6].forEach((leaf, k) => {
    fresh.set(list.subarray(leaf * 32, leaf * 32 + 32), k * 32);
  });
  t.same(mismatchedLeaves([1, 4, 6], fresh, list), []);
  fresh[32 + 31]! ^= 1;
  t.same(mismatchedLeaves([1, 4, 6], fresh, list), [4]);
});
