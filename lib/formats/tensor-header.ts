// What the safetensors and GGUF parsers share: the tensor entry they produce, the "read more of
// the file" signal (headers are read from device memory piece by piece), and the layout check
// every parser ends with: each tensor inside the data section, none overlapping another.
import { MalformedTensorHeaderError } from '../errors.js';

/** One tensor of a model file: where its bytes are, counted from the start of the file. */
export interface TensorEntry {
  name: string;
  /** The file format's dtype name: safetensors `F32`, `BF16`…; GGUF `F16`, `Q4_K`… */
  dtype: string;
  shape: number[];
  /** Byte offset from the start of the file (= the start of the sealed allocation). */
  offset: number;
  /** Bytes of the tensor's data. */
  length: number;
}

/** A parsed header: the format, where tensor data starts and every tensor. */
export interface TensorHeader {
  format: 'safetensors' | 'gguf';
  /** First byte after the header (safetensors: 8 + header size; GGUF: the aligned data section). */
  dataOffset: number;
  tensors: TensorEntry[];
}

/** Thrown by a parser whose prefix of the file is too short: read `bytes` bytes and parse again. */
export class NeedMoreBytes {
  readonly bytes: number;
  constructor(bytes: number) {
    this.bytes = bytes;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 (a name that is not UTF-8 is refused, never replaced with U+FFFD). */
export function decodeUtf8(format: string, bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MalformedTensorHeaderError(format, `${what} is not valid UTF-8`);
  }
}

/** The product of a shape's dimensions, refused when it passes `limit` (a hostile shape cannot overflow). */
export function elementCount(format: string, name: string, shape: readonly bigint[], limit: bigint): bigint {
  let count = 1n;
  for (const dim of shape) {
    count *= dim;
    if (count > limit) {
      throw new MalformedTensorHeaderError(format, `tensor "${name.slice(0, 64)}" has a shape larger than the file`);
    }
  }
  return count;
}

/** Every tensor inside [dataOffset, fileSize), no two overlapping, names unique. */
export function checkTensorLayout(format: string, header: TensorHeader, fileSize: number): void {
  const names = new Set<string>();
  for (const t of header.tensors) {
    if (names.has(t.name))
      throw new MalformedTensorHeaderError(format, `tensor "${t.name.slice(0, 64)}" appears twice`);
    names.add(t.name);
    if (t.offset < header.dataOffset || t.offset + t.length > fileSize) {
      throw new MalformedTensorHeaderError(
        format,
        `tensor "${t.name.slice(0, 64)}" [${t.offset}, +${t.length}) lies outside the data section [${header.dataOffset}, ${fileSize})`,
      );
    }
  }
  const sorted = header.tensors.filter((t) => t.length > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    if (sorted[i]!.offset < before.offset + before.length) {
      throw new MalformedTensorHeaderError(
        format,
        `tensors "${before.name.slice(0, 64)}" and "${sorted[i]!.name.slice(0, 64)}" overlap`,
      );
    }
  }
}
