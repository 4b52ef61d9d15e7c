// Counted nouns: the thousands grouping is written by hand (ICU's first use costs a CLI run tens
// of milliseconds), so it must write every safe integer exactly as toLocaleString('en-US') does.
import t from 'tap';
import fc from 'fast-check';
import { groupThousands, plural } from '../../lib/formats/plural.js';

t.test('groupThousands writes every safe integer as toLocaleString("en-US")', async (t) => {
  fc.assert(
    fc.property(
      fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 })),
      (n) => groupThousands(n) === n.toLocaleString('en-US'),
    ),
    { numRuns: 5000 },
  );
  for (const n of [0, 7, 999, 1000, 100_002, -1000, 2 ** 53 - 1])
    t.equal(groupThousands(n), n.toLocaleString('en-US'), String(n));
});

t.test('plural picks the noun by number', async (t) => {
  t.equal(plural(1, 'record'), '1 record');
  t.equal(plural(100_002, 'record'), '100,002 records');
  t.equal(plural(3, 'leaf', 'leaves'), '3 leaves');
});
