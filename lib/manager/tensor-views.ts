// Tensor views of a sealed shard. The header is read back from device memory (the sealed bytes,
// not a host copy), parsed by lib/formats (safetensors or GGUF, every offset checked) once per
// shard, and turned into views: name, dtype, shape, offset and length inside the allocation, and
// the DLPack fields a consumer needs. Also the leaves a set of tensors spans, for verify({tensors}).
import { createHash } from 'node:crypto';
import { InvalidArgumentError, MalformedTensorHeaderError } from '../errors.js';
import { parseGgufHeader } from '../formats/gguf.js';
import { parseSafetensorsHeader } from '../formats/safetensors.js';
import { NeedMoreBytes, type TensorEntry, type TensorHeader } from '../formats/tensor-header.js';
import type { Allocation, Backend } from '../native/index.js';

/** DLPack's DLDataType: type code (0 int, 1 uint, 2 float, 4 bfloat, 6 bool), bits, lanes. */
export interface DlpackDtype {
  code: 0 | 1 | 2 | 4 | 6;
  bits: number;
  lanes: 1;
}

/** What a DLPack consumer needs to wrap the tensor zero-copy (DLTensor's members). */
export interface DlpackFields {
  /** Address of the tensor's first byte (lease address + offset); byte_offset is 0. */
  data: bigint;
  /** DLDevice: kDLCUDA (2) on cuda, kDLCPU (1) on host-sim, and the device ordinal. */
  device: { type: 2 | 1; id: number };
  dtype: DlpackDtype;
  shape: number[];
  /** In elements, C-contiguous (row-major). */
  strides: number[];
  byteOffset: 0;
}

/** One tensor of a leased shard. */
export interface TensorView {
  readonly name: string;
  /** The file's dtype name (safetensors `BF16`…, GGUF `Q4_K`…). */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Byte offset inside the sealed allocation (= inside the file). */
  readonly offset: number;
  readonly length: number;
  /** null for types DLPack has no code for (quantized GGUF blocks, float8): read them as bytes. */
  readonly dlpack: Readonly<DlpackFields> | null;
}

/** A shard's parsed header and its views by name (cached per shard). */
export interface TensorIndex {
  header: TensorHeader;
  views: readonly TensorView[];
  byName: ReadonlyMap<string, TensorView>;
}

const DLPACK_DTYPES: Readonly<Record<string, DlpackDtype>> = {
  BOOL: { code: 6, bits: 8, lanes: 1 },
  U8: { code: 1, bits: 8, lanes: 1 },
  I8: { code: 0, bits: 8, lanes: 1 },
  I16: { code: 0, bits: 16, lanes: 1 },
  U16: { code: 1, bits: 16, lanes: 1 },
  F16: { code: 2, bits: 16, lanes: 1 },
  BF16: { code: 4, bits: 16, lanes: 1 },
  I32: { code: 0, bits: 32, lanes: 1 },
  U32: { code: 1, bits: 32, lanes: 1 },
  F32: { code: 2, bits: 32, lanes: 1 },
  I64: { code: 0, bits: 64, lanes: 1 },
  U64: { code: 1, bits: 64, lanes: 1 },
  F64: { code: 2, bits: 64, lanes: 1 },
};

const FIRST_READ = 64 * 1024;
const MAX_HEADER_READ = 256 * 1024 * 1024;
const EMPTY_ROOT = createHash('sha256').digest('hex'); // SPEC §1: the root of no bytes

/** Reads the header from the device and parses it, growing the read as the parser asks. */
export async function readTensorHeader(allocation: Allocation): Promise<TensorHeader> {
  const size = allocation.size;
  let prefix = await allocation.readRange(0, Math.min(size, FIRST_READ));
  const magic = String.fromCharCode(...prefix.subarray(0, 4));
  const parse = magic === 'GGUF' ? parseGgufHeader : prefix[8] === 0x7b /* { */ ? parseSafetensorsHeader : undefined;
  if (!parse) throw new MalformedTensorHeaderError('model file', 'the shard is neither safetensors nor GGUF');
  for (;;) {
    try {
      return parse(prefix, size);
    } catch (error) {
      if (!(error instanceof NeedMoreBytes)) throw error;
      const want = Math.min(size, Math.max(error.bytes, prefix.length * 2));
      if (want > MAX_HEADER_READ || want <= prefix.length) {
        throw new MalformedTensorHeaderError(
          parse === parseGgufHeader ? 'gguf' : 'safetensors',
          'the header is too large',
        );
      }
      prefix = await allocation.readRange(0, want);
    }
  }
}

/** Views of every tensor at `address` (the lease's address). */
export function buildTensorIndex(header: TensorHeader, address: bigint, backend: Backend, device: number): TensorIndex {
  const views = header.tensors.map((t) => Object.freeze(view(t, address, backend, device)));
  return { header, views: Object.freeze(views), byName: new Map(views.map((v) => [v.name, v])) };
}

function view(t: TensorEntry, address: bigint, backend: Backend, device: number): TensorView {
  const dtype = DLPACK_DTYPES[t.dtype];
  const strides: number[] = new Array(t.shape.length);
  let step = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= t.shape[i]!;
  }
  return {
    name: t.name,
    dtype: t.dtype,
    shape: Object.freeze([...t.shape]),
    offset: t.offset,
    length: t.length,
    dlpack: dtype
      ? Object.freeze({
          data: address + BigInt(t.offset),
          device: { type: backend === 'cuda' ? 2 : 1, id: device },
          dtype,
          shape: [...t.shape],
          strides,
          byteOffset: 0,
        } as DlpackFields)
      : null,
  };
}

/** The named views; InvalidArgumentError for a name the shard does not have. */
export function viewsNamed(index: TensorIndex, names: readonly string[]): TensorView[] {
  if (!Array.isArray(names) || names.length === 0)
    throw new InvalidArgumentError('tensors', 'must name at least one tensor');
  return names.map((name) => {
    const found = typeof name === 'string' ? index.byName.get(name) : undefined;
    if (!found)
      throw new InvalidArgumentError('tensors', `the shard has no tensor named ${JSON.stringify(name)?.slice(0, 80)}`);
    return found;
  });
}

/**
 * Leaf indices the named tensors span, plus the header's leaves (the views depend on it), sorted
 * and distinct: verify({tensors}) re-hashes exactly these.
 */
export function leavesSpanned(index: TensorIndex, views: readonly TensorView[], leafSize: number): number[] {
  const leaves = new Set<number>();
  const add = (offset: number, length: number) => {
    if (length <= 0) return;
    const last = Math.floor((offset + length - 1) / leafSize);
    for (let leaf = Math.floor(offset / leafSize); leaf <= last; leaf++) leaves.add(leaf);
  };
  add(0, index.header.dataOffset);
  for (const v of views) add(v.offset, v.length);
  return [...leaves].sort((a, b) => a - b);
}

/** SPEC §1 roots of each view's bytes, computed on the device (an empty tensor's is SHA-256 of nothing). */
export async function tensorDigests(
  allocation: Allocation,
  leafSize: number,
  views: readonly TensorView[],
): Promise<Map<string, string>> {
  const nonEmpty = views.filter((v) => v.length > 0);
  const roots = await allocation.rangeRoots(
    leafSize,
    nonEmpty.map((v) => [v.offset, v.length] as const),
  );
  const out = new Map<string, string>();
  for (const v of views) out.set(v.name, EMPTY_ROOT);
  nonEmpty.forEach((v, i) => {
    out.set(v.name, Buffer.from(roots.subarray(32 * i, 32 * i + 32)).toString('hex'));
  });
  return out;
}
