// The Node engine (node:crypto MTH) against the SPEC tree vectors and the oracle: several leaf
// sizes, random bytes, sizes around leaf boundaries, any chunking.
import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { NodeMth } from '../../lib/engines/node-mth.js';
import { oracleMth } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';
import { patternBytes, readVectorJson, vectorSources } from '../helpers/vectors.js';

for (const source of vectorSources()) {
  t.test(`node engine passes tree vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const vectors = readVectorJson(source, 'tree.json');
    for (const c of vectors.cases) {
      const data = patternBytes(c.size);
      t.equal(
        new NodeMth(c.leafSize).update(data).digest().toString('hex'),
        c.digest,
        `size ${c.size} leaf ${c.leafSize}`,
      );
      t.equal(createHash('sha256').update(data).digest('hex'), c.contentSha256);
    }
  });
}

t.test('any leaf size, any chunking, random data: the oracle root', async () => {
  fc.assert(
    fc.property(
      fc.constantFrom(4096, 8192, 16384, 65536),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 9000 }),
      fc.integer(),
      fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 8 }),
      (leafSize, wholeLeaves, extra, seed, cuts) => {
        // Sizes around leaf boundaries (whole leaves plus a remainder, 0 … 5 leaves), bytes from the seed.
        const size = Math.max(1, wholeLeaves * leafSize + (extra % leafSize));
        const data = randomBytes(size, seed);
        const whole = Buffer.from(oracleMth(data, leafSize));
        const parts = new NodeMth(leafSize);
        let at = 0;
        for (let i = 0; at < size; i++) {
          const n = cuts[i % cuts.length]!;
          parts.update(data.subarray(at, at + n));
          at += n;
        }
        return whole.equals(parts.digest()) && whole.equals(new NodeMth(leafSize).update(data).digest());
      },
    ),
    { numRuns: 80 },
  );
});

t.test('argument errors', async (t) => {
  t.throws(() => new NodeMth(1000), { code: 'E_ARG' });
  const m = new NodeMth(4096);
  m.digest();
  t.throws(() => m.digest(), { code: 'E_ARG' });
  t.throws(() => m.update(new Uint8Array(1)), { code: 'E_ARG' });
  t.equal(
    new NodeMth(4096).digest().toString('hex'),
    createHash('sha256').digest('hex'),
    'empty input: SHA-256 of nothing',
  );
});
