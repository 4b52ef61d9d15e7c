// The shared floor's byte comparison and hex codec: equal bytes compare equal, any one changed bit
// or a length difference does not, and hex decodes back to the bytes it was made from.
import t from 'tap';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../lib/errors.js';
import { constantTimeEqual, equalsHex } from '../../lib/formats/constant-time.js';
import { fromHex, isHex, toHex } from '../../lib/formats/hex.js';

t.test('hex round-trips and refuses what is not lowercase hex of whole bytes', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => t.same(fromHex(toHex(b)), b) !== undefined));
  for (const bad of ['abc', 'AB', 'zz', ' 00', '0x00']) {
    t.notOk(isHex(bad), bad);
    t.throws(() => fromHex(bad), InvalidArgumentError, bad);
  }
  t.same(fromHex(''), new Uint8Array(0));
});

t.test('constantTimeEqual: equal bytes only', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc.nat(),
      fc.integer({ min: 0, max: 7 }),
      (a, i, bit) => {
        const b = a.slice();
        b[i % b.length]! ^= 1 << bit;
        return constantTimeEqual(a, a.slice()) && !constantTimeEqual(a, b);
      },
    ),
  );
  t.notOk(constantTimeEqual(new Uint8Array(32), new Uint8Array(31)), 'a length difference is unequal');
  t.ok(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)));
});

t.test('equalsHex compares bytes with hex text and is false (not a throw) for bad hex', async (t) => {
  const digest = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  t.ok(equalsHex(digest, toHex(digest)));
  t.notOk(equalsHex(digest, toHex(digest).toUpperCase()), 'uppercase is not the format');
  t.notOk(equalsHex(digest, toHex(digest).slice(2)));
  t.notOk(equalsHex(digest, 'not hex'));
});
