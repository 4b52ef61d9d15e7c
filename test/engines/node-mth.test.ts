import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { NodeMth } from '../../lib/engines/node-mth.js';
import { oracleMth } from '../helpers/oracle.js';
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

t.test('any chunking gives the oracle root', async () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 * 4096 + 7 }),
      fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 8 }),
      (size, cuts) => {
        const data = patternBytes(size).map((b, i) => (b * 7 + i) & 0xff);
        const whole = Buffer.from(oracleMth(data, 4096));
        const parts = new NodeMth(4096);
        let at = 0;
        for (let i = 0; at < size; i++) {
          const n = cuts[i % cuts.length]!;
          parts.update(data.subarray(at, at + n));
          at += n;
        }
        return whole.equals(parts.digest());
      },
    ),
    { numRuns: 60 },
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
