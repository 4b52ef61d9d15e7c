// Generates small safetensors and GGUF files for the tensor-view tests, written from the formats'
// descriptions (not from lib/formats), and says where each tensor's bytes landed.
import { randomBytes } from 'node:crypto';

export interface GeneratedTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: Buffer;
  /** Where the data starts in the file. */
  offset: number;
}

const ST_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F16: 2,
  BF16: 2,
  I16: 2,
  F32: 4,
  I32: 4,
  I64: 8,
  F64: 8,
};

/** A safetensors file with the given tensors (random data), in order, plus optional metadata. */
export function makeSafetensors(
  specs: { name: string; dtype: string; shape: number[] }[],
  metadata?: Record<string, string>,
): { file: Buffer; tensors: GeneratedTensor[] } {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let at = 0;
  const datas: Buffer[] = [];
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1) * ST_BYTES[s.dtype]!;
    header[s.name] = { dtype: s.dtype, shape: s.shape, data_offsets: [at, at + n] };
    datas.push(randomBytes(n));
    at += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // the format pads to 8
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const start = 8 + Buffer.byteLength(json);
  let offset = start;
  const tensors = specs.map((s, i) => {
    const t = { ...s, data: datas[i]!, offset };
    offset += datas[i]!.length;
    return t;
  });
  return { file: Buffer.concat([size, Buffer.from(json), ...datas]), tensors };
}

/** GGUF writing primitives. */
export class GgufWriter {
  readonly parts: Buffer[] = [];
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.parts.push(b);
    return this;
  }
  u64(v: bigint | number): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.parts.push(b);
    return this;
  }
  str(s: string | Buffer): this {
    const bytes = typeof s === 'string' ? Buffer.from(s) : s;
    this.u64(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

// ggml types used by the tests: [number, elements per block, bytes per block]
export const GGML: Record<string, [number, number, number]> = {
  F32: [0, 1, 4],
  F16: [1, 1, 2],
  Q4_0: [2, 32, 18],
  Q8_0: [8, 32, 34],
  BF16: [30, 1, 2],
};

/**
 * A GGUF v3 file: a few metadata values (string, uint32, array of strings), general.alignment, and
 * the tensors (GGUF dims innermost first: `dims`), data aligned, random bytes.
 */
export function makeGguf(
  specs: { name: string; type: string; dims: number[] }[],
  alignment = 32,
): { file: Buffer; tensors: GeneratedTensor[] } {
  const w = new GgufWriter().raw(Buffer.from('GGUF')).u32(3).u64(specs.length).u64(4);
  w.str('general.architecture').u32(8).str('test');
  w.str('test.count').u32(4).u32(7);
  w.str('tokenizer.tokens').u32(9).u32(8).u64(3).str('a').str('bc').str('déf');
  w.str('general.alignment').u32(4).u32(alignment);
  const sizes = specs.map((s) => {
    const [, block, bytes] = GGML[s.type]!;
    return (s.dims.reduce((a, b) => a * b, 1) / block) * bytes;
  });
  let rel = 0;
  const rels: number[] = [];
  for (const [i, s] of specs.entries()) {
    rels.push(rel);
    w.str(s.name).u32(s.dims.length);
    for (const d of s.dims) w.u64(d);
    w.u32(GGML[s.type]![0]).u64(rel);
    rel += Math.ceil(sizes[i]! / alignment) * alignment;
  }
  const start = Math.ceil(w.length / alignment) * alignment;
  w.raw(Buffer.alloc(start - w.length));
  const tensors = specs.map((s, i) => {
    const data = randomBytes(sizes[i]!);
    return { name: s.name, dtype: s.type, shape: [...s.dims].reverse(), data, offset: start + rels[i]! };
  });
  for (const [i, t] of tensors.entries()) {
    w.raw(Buffer.alloc(start + rels[i]! - w.length)).raw(t.data);
  }
  return { file: w.bytes(), tensors };
}
