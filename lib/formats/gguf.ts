// The GGUF header (versions 2 and 3): magic, counts, metadata key/values, then one info per
// tensor (name, dims, ggml type, offset into the aligned data section). Nothing is trusted:
// every count is bounded by the bytes left in the file, every string must be UTF-8 inside the
// file, every type known, every shape's byte size inside the file, every offset aligned and in
// bounds, and no two tensors may overlap. CUDA engines upload GGUF tensor data verbatim, so a
// view's bytes are exactly what such an engine would read.
import { InvalidArgumentError, MalformedTensorHeaderError } from '../errors.js';
import { assertBytes } from './args.js';
import {
  NeedMoreBytes,
  type TensorEntry,
  type TensorHeader,
  checkTensorLayout,
  decodeUtf8,
  elementCount,
} from './tensor-header.js';

const FORMAT = 'gguf';
const MAGIC = 0x46554747; // "GGUF" little-endian
const DEFAULT_ALIGNMENT = 32;
const MAX_DIMS = 4;

/** ggml types by number: name, elements per block, bytes per block (ggml.c type traits). */
export const GGML_TYPES: Readonly<Record<number, readonly [name: string, block: number, bytes: number]>> = {
  0: ['F32', 1, 4],
  1: ['F16', 1, 2],
  2: ['Q4_0', 32, 18],
  3: ['Q4_1', 32, 20],
  6: ['Q5_0', 32, 22],
  7: ['Q5_1', 32, 24],
  8: ['Q8_0', 32, 34],
  9: ['Q8_1', 32, 36],
  10: ['Q2_K', 256, 84],
  11: ['Q3_K', 256, 110],
  12: ['Q4_K', 256, 144],
  13: ['Q5_K', 256, 176],
  14: ['Q6_K', 256, 210],
  15: ['Q8_K', 256, 292],
  16: ['IQ2_XXS', 256, 66],
  17: ['IQ2_XS', 256, 74],
  18: ['IQ3_XXS', 256, 98],
  19: ['IQ1_S', 256, 50],
  20: ['IQ4_NL', 32, 18],
  21: ['IQ3_S', 256, 110],
  22: ['IQ2_S', 256, 82],
  23: ['IQ4_XS', 256, 136],
  24: ['I8', 1, 1],
  25: ['I16', 1, 2],
  26: ['I32', 1, 4],
  27: ['I64', 1, 8],
  28: ['F64', 1, 8],
  29: ['IQ1_M', 256, 56],
  30: ['BF16', 1, 2],
};

// Metadata value types: fixed sizes (string 8 and array 9 are variable).
const VALUE_BYTES: Readonly<Record<number, number>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const STRING = 8;
const ARRAY = 9;

function malformed(message: string): MalformedTensorHeaderError {
  return new MalformedTensorHeaderError(FORMAT, message);
}

/** A cursor over the prefix that knows the file's true size: past the file is malformed, past the prefix asks for more. */
class Cursor {
  pos = 0;
  readonly #view: DataView;
  constructor(
    readonly prefix: Uint8Array,
    readonly fileSize: number,
  ) {
    this.#view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  }
  need(bytes: number | bigint, what: string): number {
    if (BigInt(this.pos) + BigInt(bytes) > BigInt(this.fileSize))
      throw malformed(`${what} runs past the end of the file`);
    const n = Number(bytes);
    if (this.pos + n > this.prefix.length) throw new NeedMoreBytes(Math.max(this.pos + n, this.prefix.length * 2));
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u32(what: string): number {
    return this.#view.getUint32(this.need(4, what), true);
  }
  u64(what: string): bigint {
    return this.#view.getBigUint64(this.need(8, what), true);
  }
  string(what: string): string {
    const length = this.u64(`${what}'s length`);
    const at = this.need(length, what);
    return decodeUtf8(FORMAT, this.prefix.subarray(at, this.pos), what);
  }
  /** A count of items of at least `minBytes` each: refused when the rest of the file cannot hold them. */
  count(what: string, minBytes: number): number {
    const n = this.u64(what);
    if (n * BigInt(minBytes) > BigInt(this.fileSize - this.pos)) throw malformed(`${what} ${n} cannot fit in the file`);
    return Number(n);
  }
}

/**
 * Parses a GGUF header from `prefix`, the first bytes of a file of `fileSize` bytes. Throws
 * NeedMoreBytes when the prefix is too short, MalformedTensorHeaderError (E_MALFORMED) otherwise.
 */
export function parseGgufHeader(prefix: Uint8Array, fileSize: number): TensorHeader {
  assertBytes(prefix, 'prefix');
  if (!Number.isSafeInteger(fileSize) || fileSize < 0)
    throw new InvalidArgumentError('fileSize', "must be the file's size in bytes");
  const c = new Cursor(prefix, fileSize);
  if (c.u32('the magic') !== MAGIC) throw malformed('the file does not start with "GGUF"');
  const version = c.u32('the version');
  if (version !== 2 && version !== 3) throw malformed(`version ${version} is not supported (2 or 3)`);
  const tensorCount = c.count('the tensor count', 8 + 1 + 4 + 4 + 8);
  const kvCount = c.count('the metadata count', 8 + 1 + 4 + 1);
  let alignment = DEFAULT_ALIGNMENT;
  for (let i = 0; i < kvCount; i++) {
    const key = c.string(`metadata key ${i}`);
    const type = c.u32(`the type of "${key.slice(0, 64)}"`);
    if (key === 'general.alignment') {
      if (type !== 4) throw malformed('general.alignment is not a uint32');
      alignment = c.u32('general.alignment');
      if (alignment === 0 || (alignment & (alignment - 1)) !== 0)
        throw malformed(`alignment ${alignment} is not a power of two`);
    } else {
      skipValue(c, type, key, 0);
    }
  }
  const infos: { name: string; dims: bigint[]; type: number; offset: bigint }[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string(`tensor name ${i}`);
    const dimCount = c.u32(`the dimensions of "${name.slice(0, 64)}"`);
    if (dimCount > MAX_DIMS)
      throw malformed(`tensor "${name.slice(0, 64)}" has ${dimCount} dimensions (at most ${MAX_DIMS})`);
    const dims: bigint[] = [];
    for (let d = 0; d < dimCount; d++) dims.push(c.u64(`a dimension of "${name.slice(0, 64)}"`));
    const type = c.u32(`the type of "${name.slice(0, 64)}"`);
    infos.push({ name, dims, type, offset: c.u64(`the offset of "${name.slice(0, 64)}"`) });
  }
  const dataOffset = Math.ceil(c.pos / alignment) * alignment;
  if (dataOffset > fileSize) throw malformed('the data section starts past the end of the file');
  const tensors = infos.map((info) => tensorEntry(info, dataOffset, alignment, fileSize));
  const header: TensorHeader = { format: FORMAT, dataOffset, tensors };
  checkTensorLayout(FORMAT, header, fileSize);
  return header;
}

function skipValue(c: Cursor, type: number, key: string, depth: number): void {
  const what = `the value of "${key.slice(0, 64)}"`;
  if (type === STRING) {
    c.need(c.u64(`${what}'s length`), what);
  } else if (type === ARRAY) {
    if (depth > 2) throw malformed(`${what} nests arrays too deeply`);
    const itemType = c.u32(`${what}'s item type`);
    const fixed = VALUE_BYTES[itemType];
    if (fixed !== undefined) {
      c.need(BigInt(c.count(`${what}'s item count`, fixed)) * BigInt(fixed), what);
    } else if (itemType === STRING || itemType === ARRAY) {
      const n = c.count(`${what}'s item count`, 8);
      for (let i = 0; i < n; i++) skipValue(c, itemType, key, depth + 1);
    } else {
      throw malformed(`${what} has an unknown item type ${itemType}`);
    }
  } else {
    const fixed = VALUE_BYTES[type];
    if (fixed === undefined) throw malformed(`${what} has an unknown type ${type}`);
    c.need(fixed, what);
  }
}

function tensorEntry(
  info: { name: string; dims: bigint[]; type: number; offset: bigint },
  dataOffset: number,
  alignment: number,
  fileSize: number,
): TensorEntry {
  const label = `tensor "${info.name.slice(0, 64)}"`;
  const ggml = GGML_TYPES[info.type];
  if (!ggml) throw malformed(`${label} has an unknown ggml type ${info.type}`);
  const [dtype, block, blockBytes] = ggml;
  const limit = BigInt(fileSize) * BigInt(block);
  const elements = elementCount(FORMAT, info.name, info.dims, limit);
  if ((info.dims[0] ?? 1n) % BigInt(block) !== 0n) {
    throw malformed(`${label}'s first dimension is not a multiple of the ${dtype} block (${block})`);
  }
  const bytes = (elements / BigInt(block)) * BigInt(blockBytes);
  if (info.offset % BigInt(alignment) !== 0n) throw malformed(`${label}'s offset is not aligned to ${alignment}`);
  const end = BigInt(dataOffset) + info.offset + bytes;
  if (end > BigInt(fileSize)) throw malformed(`${label} ends at byte ${end}, past the ${fileSize}-byte file`);
  // GGUF lists dims innermost first; a view's shape is outermost first (row-major, as DLPack wants).
  const shape = info.dims.map(Number).reverse();
  return { name: info.name, dtype, shape, offset: dataOffset + Number(info.offset), length: Number(bytes) };
}
