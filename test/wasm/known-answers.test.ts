// Published test vectors: FIPS 180-2 SHA-256, RFC 4231 HMAC-SHA256, RFC 5869 HKDF-SHA256.
import t from 'tap';
import { loadWasm } from '../../lib/wasm/index.js';
import { fromHex, hex } from '../helpers/oracle.js';

const ascii = (s: string) => new TextEncoder().encode(s);
const wasm = await loadWasm();

t.test('SHA-256 (FIPS 180-2 examples)', async (t) => {
  t.equal(hex(wasm.sha256(ascii(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.equal(hex(wasm.sha256(ascii('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(
    hex(wasm.sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  const million = new Uint8Array(1_000_000).fill(0x61);
  t.equal(hex(wasm.sha256(million)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  const stream = wasm.createSha256();
  for (let i = 0; i < 1000; i++) stream.update(million.subarray(0, 1000));
  t.equal(
    hex(stream.digest()),
    'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    'streamed in 1000-byte pieces',
  );
});

// RFC 4231 §4.2–4.8 (case 5 truncates the output to 128 bits).
const hmacCases: { key: string; data: string; mac: string; truncate?: number }[] = [
  {
    key: '0b'.repeat(20),
    data: hex(ascii('Hi There')),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    key: hex(ascii('Jefe')),
    data: hex(ascii('what do ya want for nothing?')),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    key: 'aa'.repeat(20),
    data: 'dd'.repeat(50),
    mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  },
  {
    key: '0102030405060708090a0b0c0d0e0f10111213141516171819',
    data: 'cd'.repeat(50),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  {
    key: '0c'.repeat(20),
    data: hex(ascii('Test With Truncation')),
    mac: 'a3b6167473100ee06e0c796c2955552b',
    truncate: 16,
  },
  {
    key: 'aa'.repeat(131),
    data: hex(ascii('Test Using Larger Than Block-Size Key - Hash Key First')),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    key: 'aa'.repeat(131),
    data: hex(
      ascii(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

t.test('HMAC-SHA256 (RFC 4231 cases 1–7)', async (t) => {
  hmacCases.forEach((c, i) => {
    const mac = wasm.hmacSha256(fromHex(c.key), fromHex(c.data));
    t.equal(hex(mac.subarray(0, c.truncate ?? 32)), c.mac, `case ${i + 1}`);
  });
});

t.test('HKDF-SHA256 (RFC 5869 cases 1–3)', async (t) => {
  const okm1 = wasm.hkdfSha256(
    fromHex('0b'.repeat(22)),
    fromHex('000102030405060708090a0b0c'),
    fromHex('f0f1f2f3f4f5f6f7f8f9'),
    42,
  );
  t.equal(hex(okm1), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865', 'case 1');
  const range = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);
  const okm2 = wasm.hkdfSha256(range(0x00, 80), range(0x60, 80), range(0xb0, 80), 82);
  t.equal(
    hex(okm2),
    'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
    'case 2',
  );
  const okm3 = wasm.hkdfSha256(fromHex('0b'.repeat(22)), null, new Uint8Array(0), 42);
  t.equal(
    hex(okm3),
    '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    'case 3 (salt absent)',
  );
  t.same(
    wasm.hkdfSha256(fromHex('0b'.repeat(22)), new Uint8Array(32), new Uint8Array(0), 42),
    okm3,
    'absent salt = 32 zero bytes',
  );
});
