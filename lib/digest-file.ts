// digestFile: SPEC §1 mth-sha256 (and optionally plain SHA-256) of a file of any size, with
// bounded memory. The main thread reads fixed-size chunks (whole leaves) in file order, hands
// each to a worker_threads pool running the WASM leaf hasher (buffers are transferred, not
// copied, and come back for reuse), and folds the returned leaf hashes into the tree in order.
// Workers take tens of milliseconds to start; until the first one is up, the main thread hashes
// chunks itself rather than wait.
import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, VramResidencyError } from './errors.js';
import { DEFAULT_LEAF_SIZE, assertLeafSize, compileWasmModule, loadWasm } from './wasm/index.js';
import { LeafWorkerPool, type LeafResult } from './digest-worker-pool.js';

export interface DigestFileOptions {
  /** SPEC §1 leaf size; default 65536. */
  leafSize?: number;
  /** Worker threads hashing leaves; default: available cores, at most 8. */
  threads?: number;
  /** Also compute the plain SHA-256 of the file (on the main thread, in file order). */
  sha256?: boolean;
  /** Called after each chunk is folded into the tree. */
  onProgress?: (p: { bytes: number; totalBytes: number }) => void;
  signal?: AbortSignal;
}

export interface FileDigest {
  /** SPEC §1 root. */
  digest: Uint8Array;
  size: number;
  sha256: Uint8Array | null;
  leafCount: number;
}

/** Bytes per job: whole leaves, at least 4 MiB so the workers' SIMD path sees full batches. */
const MIN_CHUNK_BYTES = 4 * 1024 * 1024;
/** Jobs in flight per worker: one being hashed, one queued behind it. */
const JOBS_PER_WORKER = 2;
const MAX_THREADS = 64;

function ioError(path: string, what: string, cause?: unknown): VramResidencyError {
  return new VramResidencyError('E_IO', `cannot digest ${path}: ${what}`, { cause });
}

async function checkedSize(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw ioError(path, 'no such file', e);
    if (code === 'EACCES' || code === 'EPERM') throw ioError(path, 'permission denied', e);
    throw ioError(path, `stat failed (${code ?? 'unknown error'})`, e);
  }
  if (info.isDirectory()) throw new InvalidArgumentError('path', `${path} is a directory, not a file`);
  if (!info.isFile()) throw new InvalidArgumentError('path', `${path} is not a regular file`);
  if (info.size === 0) throw new InvalidArgumentError('path', `${path} is empty; SPEC §1 has no digest for 0 bytes`);
  return info.size;
}

/** Reads until `buffer` is full or the file ends; returns the bytes read. */
async function readFull(file: FileHandle, buffer: Uint8Array, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

export async function digestFile(path: string, opts: DigestFileOptions = {}): Promise<FileDigest> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('path', 'must be a non-empty string');
  const leafSize = opts.leafSize ?? DEFAULT_LEAF_SIZE;
  assertLeafSize(leafSize, 'leafSize');
  const threads = opts.threads ?? Math.min(availableParallelism(), 8);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new InvalidArgumentError('threads', `must be an integer from 1 to ${MAX_THREADS}`);
  }
  const { signal, onProgress } = opts;
  signal?.throwIfAborted();

  const totalBytes = await checkedSize(path);
  const chunkBytes = Math.max(leafSize, MIN_CHUNK_BYTES);
  const wasm = await loadWasm();
  const combiner = wasm.createLeafCombiner();
  const contentHash = opts.sha256 ? createHash('sha256') : null;
  const compiled = await compileWasmModule();

  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw ioError(path, `open failed (${(e as NodeJS.ErrnoException).code ?? 'unknown error'})`, e);
  }
  const pool = new LeafWorkerPool(threads, { module: compiled });
  const spareBuffers: ArrayBuffer[] = [];
  // Jobs in file order; each resolves to its leaf hashes. Never more than threads × JOBS_PER_WORKER.
  const inFlight: { length: number; result: Promise<LeafResult> }[] = [];
  try {
    let position = 0;
    let endOfFile = false;
    let combined = 0;
    for (;;) {
      while (!endOfFile && inFlight.length < threads * JOBS_PER_WORKER) {
        const buffer = spareBuffers.pop() ?? new ArrayBuffer(chunkBytes);
        let length: number;
        try {
          length = await readFull(file, new Uint8Array(buffer), position);
        } catch (e) {
          throw ioError(path, `read failed at byte ${position} (${(e as NodeJS.ErrnoException).code ?? 'unknown error'})`, e);
        }
        if (length < chunkBytes) endOfFile = true;
        if (length === 0) break;
        contentHash?.update(new Uint8Array(buffer, 0, length));
        let result: Promise<LeafResult>;
        if (pool.anyReady) {
          result = pool.hashLeaves(buffer, length, leafSize);
          result.catch(() => {}); // awaited in order below; avoid an unhandled rejection meanwhile
        } else {
          result = Promise.resolve({ buffer, leafHashes: wasm.hashLeaves(new Uint8Array(buffer, 0, length), leafSize) });
        }
        inFlight.push({ length, result });
        position += length;
      }
      const next = inFlight.shift();
      if (!next) break;
      const { buffer, leafHashes } = await next.result;
      combiner.push(leafHashes);
      spareBuffers.push(buffer);
      combined += next.length;
      signal?.throwIfAborted();
      onProgress?.({ bytes: combined, totalBytes: Math.max(totalBytes, position) });
    }
    if (combined === 0) throw new InvalidArgumentError('path', `${path} is empty; SPEC §1 has no digest for 0 bytes`);
    const leafCount = combiner.leafCount();
    return { digest: combiner.digest(), size: combined, sha256: contentHash ? new Uint8Array(contentHash.digest()) : null, leafCount };
  } finally {
    await pool.terminate();
    await file.close();
  }
}
