// digestFile: SPEC §1 mth-sha256 (and optionally plain SHA-256) of a file of any size, with
// bounded memory. The file is cut into fixed-size chunks of whole leaves; a pool of worker_threads
// each reads its chunks with pread (on the descriptor the main thread opened) straight into its
// own WASM instance and returns the chunk's leaf hashes; the main thread folds them into the tree
// in file order. Reading in the workers keeps the main thread nearly idle and copies every byte
// once (page cache → WASM memory) instead of three times (→ JS buffer → transfer → WASM memory).
// The pool stays warm for a few seconds after a call (./digest-worker-pool), so the next file
// starts hashing at once; when workers must be started, the main thread reads and hashes chunks
// itself until the first one is up rather than wait. The plain SHA-256, when asked for, is
// computed on the main thread from its own sequential read, in file order.
import { assertOptions, assertString } from '../formats/args.js';
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '../errors.js';
import { assertInteger } from '../formats/args.js';
import { DEFAULT_LEAF_SIZE, assertLeafSize } from '../formats/leaf-size.js';
import { compileWasmModule, loadWasm } from '../wasm/load.js';
import { acquireLeafPool, releaseLeafPool, type LeafResult } from './digest-worker-pool.js';
import { type FileDigest, digestibleSize, fileIoError, fileOpError, statDigestible } from './file-stat.js';

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

/** Bytes per job: whole leaves, at least 4 MiB so the workers' SIMD path sees full batches. */
const MIN_CHUNK_BYTES = 4 * 1024 * 1024;
/** Jobs in flight per worker: one being hashed, one queued behind it. */
const JOBS_PER_WORKER = 2;
export const MAX_THREADS = 64;

/** Reads exactly buffer.length bytes at `position`, or fails if the file ends first. */
async function readExactly(file: FileHandle, buffer: Uint8Array, position: number, path: string): Promise<void> {
  let filled = 0;
  while (filled < buffer.length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled));
    } catch (e) {
      throw fileIoError(
        path,
        `read failed at byte ${position + filled} (${(e as NodeJS.ErrnoException).code ?? 'unknown error'})`,
        e,
      );
    }
    if (bytesRead === 0)
      throw fileIoError(path, `the file ended at byte ${position + filled}: it changed while being digested`);
    filled += bytesRead;
  }
}

/**
 * SPEC §1 mth-sha256 of a file (and its plain SHA-256 when `sha256: true`), with bounded memory,
 * on a pool of worker threads running the WASM core. A missing or unreadable file is E_IO; a
 * directory, a special file or an empty file is E_ARG; an aborted `signal` rejects with its reason.
 */
export async function digestFile(path: string, opts: DigestFileOptions = {}): Promise<FileDigest> {
  assertString(path, 'path');
  assertOptions(opts);
  if (typeof path !== 'string' || path.length === 0)
    throw new InvalidArgumentError('path', 'must be a non-empty string');
  const leafSize = opts.leafSize ?? DEFAULT_LEAF_SIZE;
  assertLeafSize(leafSize, 'leafSize');
  const threads = opts.threads ?? Math.min(availableParallelism(), 8);
  assertInteger(threads, 'threads', 1, MAX_THREADS);
  const { signal, onProgress } = opts;
  signal?.throwIfAborted();

  await statDigestible(path); // by path first: opening a FIFO or device could block
  const chunkBytes = Math.max(leafSize, MIN_CHUNK_BYTES);
  const wasm = await loadWasm();
  const combiner = wasm.createLeafCombiner();
  const contentHash = opts.sha256 ? createHash('sha256') : null;
  const compiled = await compileWasmModule();

  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw fileOpError(path, 'open', e);
  }
  // The size of what is open now is what gets digested (a file replaced after stat() is not mixed in).
  let totalBytes: number;
  try {
    totalBytes = digestibleSize(path, await file.stat());
  } catch (e) {
    await file.close();
    throw e instanceof InvalidArgumentError ? e : fileOpError(path, 'fstat', e);
  }
  const pool = acquireLeafPool(threads, compiled);
  // Main-thread reads (for the content SHA-256, and for hashing while workers start) reuse one buffer.
  const mainBuffer = contentHash ? new Uint8Array(chunkBytes) : null;
  let startupBuffer = mainBuffer;
  // Chunks in file order; each resolves to its leaf hashes. Never more than threads × JOBS_PER_WORKER.
  const inFlight: { length: number; result: Promise<LeafResult> }[] = [];
  try {
    let position = 0;
    let combined = 0;
    for (;;) {
      while (position < totalBytes && inFlight.length < threads * JOBS_PER_WORKER) {
        const length = Math.min(chunkBytes, totalBytes - position);
        if (pool.anyReady) {
          const result = pool.hashLeaves(file.fd, position, length, leafSize);
          result.catch(() => {}); // awaited in order below; avoid an unhandled rejection meanwhile
          inFlight.push({ length, result }); // before any await: the finally block waits for it
          if (contentHash) {
            const bytes = mainBuffer!.subarray(0, length);
            await readExactly(file, bytes, position, path);
            contentHash.update(bytes);
          }
        } else {
          startupBuffer ??= new Uint8Array(chunkBytes);
          const bytes = startupBuffer.subarray(0, length);
          await readExactly(file, bytes, position, path);
          contentHash?.update(bytes);
          inFlight.push({ length, result: Promise.resolve({ leafHashes: wasm.hashLeaves(bytes, leafSize) }) });
        }
        position += length;
      }
      const next = inFlight.shift();
      if (!next) break;
      combiner.push((await next.result).leafHashes);
      combined += next.length;
      signal?.throwIfAborted();
      onProgress?.({ bytes: combined, totalBytes });
    }
    const leafCount = combiner.leafCount();
    return {
      digest: combiner.digest(),
      size: combined,
      sha256: contentHash ? new Uint8Array(contentHash.digest()) : null,
      leafCount,
    };
  } finally {
    // On failure or abort, let this call's queued jobs finish before the descriptor is closed.
    await Promise.allSettled(inFlight.map((chunk) => chunk.result));
    await releaseLeafPool(pool);
    await file.close();
  }
}
