// The safetensors and GGUF header parsers on generated files: views where the generator put the
// bytes, hostile headers refused with E_MALFORMED (never a view outside the file), and random
// damage either refused or still inside the file.
import t from 'tap';
import fc from 'fast-check';
import { MalformedTensorHeaderError } from '../../lib/errors.js';
import { parseGgufHeader } from '../../lib/formats/gguf.js';
import { parseSafetensorsHeader } from '../../lib/formats/safetensors.js';
import { NeedMoreBytes, type TensorHeader } from '../../lib/formats/tensor-header.js';
import { GgufWriter, makeGguf, makeSafetensors } from '../helpers/model-files.js';

function stHeader(json: string, dataBytes = 0, sizeField?: bigint): Buffer {
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(sizeField ?? BigInt(Buffer.byteLength(json)));
  return Buffer.concat([size, Buffer.from(json), Buffer.alloc(dataBytes)]);
}

const parseSt = (file: Uint8Array) => parseSafetensorsHeader(file, file.length);
const parseGg = (file: Uint8Array) => parseGgufHeader(file, file.length);

t.test('safetensors: every tensor where the file put it', async (t) => {
  const { file, tensors } = makeSafetensors(
    [
      { name: 'embed.weight', dtype: 'BF16', shape: [7, 5] },
      { name: 'norm', dtype: 'F32', shape: [5] },
      { name: 'ids', dtype: 'I64', shape: [3, 1] },
      { name: 'mask', dtype: 'BOOL', shape: [4] },
      { name: 'scalar', dtype: 'F16', shape: [] },
      { name: 'empty', dtype: 'U8', shape: [0, 3] },
    ],
    { format: 'pt' },
  );
  const header = parseSt(file);
  t.equal(header.format, 'safetensors');
  t.same(
    header.tensors.map(({ name, dtype, shape, offset, length }) => ({ name, dtype, shape, offset, length })),
    tensors.map(({ name, dtype, shape, offset, data }) => ({ name, dtype, shape, offset, length: data.length })),
  );
  const short = file.subarray(0, 12);
  t.throws(() => parseSafetensorsHeader(short, file.length), NeedMoreBytes, 'a short prefix asks for more');
});

t.test('gguf: every tensor where the file put it (aligned data, metadata skipped)', async (t) => {
  const { file, tensors } = makeGguf([
    { name: 'tok_embd.weight', type: 'Q4_0', dims: [64, 3] },
    { name: 'norm', type: 'F32', dims: [10] },
    { name: 'attn_q', type: 'Q8_0', dims: [32, 2, 2] },
    { name: 'out', type: 'F16', dims: [3, 5] },
    { name: 'bf', type: 'BF16', dims: [9] },
  ]);
  const header = parseGg(file);
  t.equal(header.format, 'gguf');
  t.same(
    header.tensors.map(({ name, dtype, shape, offset, length }) => ({ name, dtype, shape, offset, length })),
    tensors.map(({ name, dtype, shape, offset, data }) => ({ name, dtype, shape, offset, length: data.length })),
  );
});

// Hostile headers: each is refused with E_MALFORMED and a message that says why.
const stCases: [string, Buffer, RegExp][] = [
  ['header size beyond the file', stHeader('{}', 0, 1000n), /does not fit/],
  ['header size of 2^64-1', stHeader('{}', 0, 0xffffffffffffffffn), /does not fit/],
  ['offsets past the end', stHeader('{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}', 4), /past the 4 bytes/],
  [
    'overlapping tensors',
    stHeader(
      '{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}}',
      12,
    ),
    /overlap/,
  ],
  [
    'a huge shape',
    stHeader('{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}', 8),
    /larger than the file/,
  ],
  [
    'a shape that disagrees with the offsets',
    stHeader('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', 8),
    /spans 8 bytes/,
  ],
  ['an unknown dtype', stHeader('{"a":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}}', 1), /unknown dtype/],
  [
    'a name twice',
    stHeader(
      '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}',
      2,
    ),
    /twice/,
  ],
  ['negative offsets', stHeader('{"a":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}', 1), /data_offsets/],
  ['not JSON', stHeader('{"a":', 0), /not JSON/],
];

t.test('safetensors: hostile headers are refused', async (t) => {
  for (const [what, file, message] of stCases) {
    t.throws(() => parseSt(file), { code: 'E_MALFORMED', format: 'safetensors', message }, what);
  }
  // A name that is not UTF-8: bytes 0xff 0xfe inside the JSON string.
  const json = Buffer.concat([
    Buffer.from('{"'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}'),
  ]);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  t.throws(() => parseSt(Buffer.concat([size, json, Buffer.alloc(1)])), { code: 'E_MALFORMED', message: /UTF-8/ });
});

function ggufWith(tensorInfo: (w: GgufWriter) => void, tensorCount = 1n, dataBytes = 64): Buffer {
  const w = new GgufWriter().raw(Buffer.from('GGUF')).u32(3).u64(tensorCount).u64(0);
  tensorInfo(w);
  w.raw(Buffer.alloc((32 - (w.length % 32)) % 32));
  return Buffer.concat([w.bytes(), Buffer.alloc(dataBytes)]);
}

const ggCases: [string, Buffer, RegExp][] = [
  ['a tensor count no file can hold', ggufWith(() => {}, 1n << 60n), /cannot fit/],
  ['an offset past the end', ggufWith((w) => w.str('a').u32(1).u64(16).u32(0).u64(64)), /past the/],
  [
    'a huge shape',
    ggufWith((w) =>
      w
        .str('a')
        .u32(3)
        .u64(1n << 40n)
        .u64(1n << 40n)
        .u64(1n << 40n)
        .u32(0)
        .u64(0),
    ),
    /larger than the file/,
  ],
  [
    'a name that is not UTF-8',
    ggufWith((w) =>
      w
        .str(Buffer.from([0xc3, 0x28]))
        .u32(1)
        .u64(4)
        .u32(0)
        .u64(0),
    ),
    /UTF-8/,
  ],
  ['a string longer than the file', ggufWith((w) => w.u64(1n << 40n)), /runs past the end/],
  ['a misaligned offset', ggufWith((w) => w.str('a').u32(1).u64(4).u32(0).u64(3)), /not aligned/],
  ['an unknown ggml type', ggufWith((w) => w.str('a').u32(1).u64(4).u32(99).u64(0)), /unknown ggml type/],
  ['too many dimensions', ggufWith((w) => w.str('a').u32(9)), /dimensions/],
  [
    'overlapping tensors',
    ggufWith((w) => w.str('a').u32(1).u64(16).u32(0).u64(0).str('b').u32(1).u64(16).u32(0).u64(32), 2n, 128),
    /overlap/,
  ],
  ['a bad magic', Buffer.from('GGUX\x03\x00\x00\x00'), /does not start/],
];

t.test('gguf: hostile headers are refused', async (t) => {
  for (const [what, file, message] of ggCases) {
    t.throws(() => parseGg(file), { code: 'E_MALFORMED', format: 'gguf', message }, what);
  }
});

function inside(header: TensorHeader, size: number): boolean {
  const sorted = [...header.tensors].filter((x) => x.length > 0).sort((a, b) => a.offset - b.offset);
  return (
    header.tensors.every((x) => x.offset >= header.dataOffset && x.offset + x.length <= size) &&
    sorted.every((x, i) => i === 0 || x.offset >= sorted[i - 1]!.offset + sorted[i - 1]!.length)
  );
}

t.test('random damage: refused (E_MALFORMED) or every view still inside the file', async (t) => {
  const st = makeSafetensors([
    { name: 'a', dtype: 'F32', shape: [4, 4] },
    { name: 'b', dtype: 'I8', shape: [9] },
  ]).file;
  const gg = makeGguf([
    { name: 'a', type: 'Q4_0', dims: [32] },
    { name: 'b', type: 'F32', dims: [4] },
  ]).file;
  for (const [file, parse] of [
    [st, parseSt],
    [gg, parseGg],
  ] as const) {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(Math.min(file.length - 1, 400)), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
        fc.nat(file.length),
        (flips, cut) => {
          const damaged = Buffer.from(file.subarray(0, Math.max(cut, 1)));
          for (const [at, mask] of flips) if (at < damaged.length) damaged[at]! ^= mask;
          try {
            return inside(parse(damaged), damaged.length);
          } catch (error) {
            return error instanceof MalformedTensorHeaderError;
          }
        },
      ),
      { numRuns: 300 },
    );
  }
  t.pass('300 damaged files of each format');
});
