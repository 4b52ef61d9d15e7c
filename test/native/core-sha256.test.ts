// The portable __host__ __device__ SHA-256 core (the code the CUDA kernels run), on the CPU,
// against NIST FIPS 180-2 answers and node:crypto.
import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';

import { loadNative } from '../../lib/native/index.js';

const addon = loadNative();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

t.test('NIST SHA-256 answers', async (t) => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['empty', new Uint8Array(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', Buffer.from('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      '448 bits',
      Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      '896 bits',
      Buffer.from(
        'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      ),
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    [
      'one million a',
      new Uint8Array(1_000_000).fill(0x61),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    ],
  ];
  for (const [name, input, expected] of cases) t.equal(hex(addon.coreSha256({ bytes: input })), expected, name);
});

t.test('core equals node:crypto on every length around the block and padding edges', async (t) => {
  for (let n = 0; n <= 200; n++) {
    const data = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
    const expected = createHash('sha256').update(data).digest('hex');
    if (hex(addon.coreSha256({ bytes: data })) !== expected) t.fail(`length ${n}`);
  }
  t.pass('lengths 0..200');
});

t.test('core equals node:crypto on random inputs', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
      return hex(addon.coreSha256({ bytes: data })) === createHash('sha256').update(data).digest('hex');
    }),
    { numRuns: 200 },
  );
  t.pass('200 random inputs');
});

t.test('the test hook rejects non-bytes with a coded error', async (t) => {
  t.throws(() => addon.coreSha256({ bytes: 'abc' as unknown as Uint8Array }), { code: 'E_ARG' });
});
