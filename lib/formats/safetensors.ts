// The safetensors header (8-byte little-endian size, then JSON naming each tensor's dtype, shape
// and data_offsets relative to the data section). Nothing in it is trusted: the size is checked
// against the file, the JSON must be UTF-8 with no name twice, every shape's byte size must equal
// its offsets' span, and every span must lie inside the file without overlapping another.
import { InvalidArgumentError, MalformedTensorHeaderError } from '../errors.js';
import { assertBytes } from './args.js';
import { strictJsonProblem } from './strict-json.js';
import {
  NeedMoreBytes,
  type TensorEntry,
  type TensorHeader,
  checkTensorLayout,
  decodeUtf8,
  elementCount,
} from './tensor-header.js';

/** Bytes per element of each safetensors dtype. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** The format's own limit on the JSON header (safetensors refuses larger ones too). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

const FORMAT = 'safetensors';

function malformed(message: string): MalformedTensorHeaderError {
  return new MalformedTensorHeaderError(FORMAT, message);
}

/**
 * Parses the header from `prefix`, the first bytes of a file of `fileSize` bytes. Throws
 * NeedMoreBytes when the prefix is too short, MalformedTensorHeaderError (E_MALFORMED) when the
 * header breaks the format or points outside the file.
 */
export function parseSafetensorsHeader(prefix: Uint8Array, fileSize: number): TensorHeader {
  assertBytes(prefix, 'prefix');
  if (!Number.isSafeInteger(fileSize) || fileSize < 0)
    throw new InvalidArgumentError('fileSize', "must be the file's size in bytes");
  if (fileSize < 8) throw malformed(`a ${fileSize}-byte file has no room for the 8-byte header size`);
  if (prefix.length < 8) throw new NeedMoreBytes(8);
  const size = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (size < 2n || size > BigInt(fileSize - 8)) {
    throw malformed(`the header size ${size} does not fit the ${fileSize}-byte file`);
  }
  if (size > BigInt(SAFETENSORS_MAX_HEADER)) throw malformed(`the header size ${size} passes the 100 MB limit`);
  const dataOffset = 8 + Number(size);
  if (prefix.length < dataOffset) throw new NeedMoreBytes(dataOffset);
  const text = decodeUtf8(FORMAT, prefix.subarray(8, dataOffset), 'the header');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw malformed(`the header is not JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw malformed('the header is not an object');
  const problem = strictJsonProblem(text.trim());
  if (problem) throw malformed(`the header's JSON is ambiguous: ${problem}`);
  const dataBytes = fileSize - dataOffset;
  const tensors: TensorEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      checkMetadata(value);
      continue;
    }
    tensors.push(tensorEntry(name, value, dataOffset, dataBytes));
  }
  const header: TensorHeader = { format: FORMAT, dataOffset, tensors };
  checkTensorLayout(FORMAT, header, fileSize);
  return header;
}

function checkMetadata(value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw malformed('__metadata__ is not an object');
  for (const v of Object.values(value)) {
    if (typeof v !== 'string') throw malformed('__metadata__ values must be strings');
  }
}

function tensorEntry(name: string, value: unknown, dataOffset: number, dataBytes: number): TensorEntry {
  const label = `tensor "${name.slice(0, 64)}"`;
  if (name.length === 0) throw malformed('a tensor has an empty name');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed(`${label} is not an object`);
  const { dtype, shape, data_offsets: offsets, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw malformed(`${label} has unknown members: ${Object.keys(rest).join(', ')}`);
  if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPE_BYTES, dtype)) {
    throw malformed(`${label} has an unknown dtype ${JSON.stringify(dtype)?.slice(0, 32)}`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw malformed(`${label} has a shape that is not a list of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[1] < offsets[0]
  ) {
    throw malformed(`${label} has data_offsets that are not [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataBytes) throw malformed(`${label} ends at ${end}, past the ${dataBytes} bytes of tensor data`);
  const bytes =
    elementCount(FORMAT, name, (shape as number[]).map(BigInt), BigInt(dataBytes)) *
    BigInt(SAFETENSORS_DTYPE_BYTES[dtype]!);
  if (bytes !== BigInt(end - begin)) {
    throw malformed(`${label} has shape ${JSON.stringify(shape)} (${bytes} bytes) but spans ${end - begin} bytes`);
  }
  return { name, dtype, shape: shape as number[], offset: dataOffset + begin, length: end - begin };
}
