// SPEC §1 tree digest (and optionally the plain SHA-256) of a File with Web Workers, one per
// core. The file is cut into jobs of whole leaves; workers return each job's leaf hashes and the
// page folds them into the root in file order with the WASM LeafHashCombiner (RFC 6962 splits
// never line up with job boundaries, so only leaf hashes are combined, never sub-trees). The plain
// SHA-256 cannot be split: one extra worker hashes the bytes the tree workers read, passed on in
// file order (transferred, not copied), so the file is read once — in a browser, reading a File
// costs about as much CPU as hashing it.
import { compileWasmModule, loadWasm } from '../dist/wasm/index.js';
import { onCancel } from './cancel.js';
import type { FromWorker, ToWorker } from './digest-messages.js';

declare const __DIGEST_WORKER_SOURCE__: string;

/** A Blob URL of the digest worker's script (revoke it when done). */
export function digestWorkerUrl(): string {
  return URL.createObjectURL(new Blob([__DIGEST_WORKER_SOURCE__], { type: 'text/javascript' }));
}

export interface DigestProgress {
  totalBytes: number;
  /** Bytes folded into the tree so far (in file order). */
  treeBytes: number;
  /** Bytes absorbed by the SHA-256 so far, or null when it is not computed. */
  shaBytes: number | null;
  seconds: number;
}

export interface ParallelDigestOptions {
  leafSize: number;
  /** Tree workers (the SHA-256 worker comes on top). */
  workers: number;
  sha256: boolean;
  onProgress?: (p: DigestProgress) => void;
  /** Aborting it stops the workers and rejects with VerificationCancelled. */
  signal?: AbortSignal;
  /**
   * Read every job with the same workers and chunking but hash nothing (the digest is then all
   * zeros): the browser's read rate, which bounds verification.
   */
  readOnly?: boolean;
}

export interface BlobDigest {
  digest: Uint8Array;
  sha256: Uint8Array | null;
  size: number;
  seconds: number;
}

/** Bytes per job: whole leaves, 8 MiB unless a leaf is larger. */
export const JOB_BYTES = 8 * 1024 * 1024;
/** Jobs queued per worker: one hashing, one being read. */
const JOBS_PER_WORKER = 2;
/** Jobs the tree workers may read ahead of the SHA-256 worker (their bytes wait in memory: 64 MiB), at least what the workers hold. */
const MAX_AHEAD = 8;

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16));
}

export function startWorker(url: string, workers: Worker[]): Worker {
  const worker = new Worker(url, { name: `digest-${workers.length}` });
  workers.push(worker);
  return worker;
}

/** Messages from one worker, with its errors (a script error, a posted error) as rejections. */
export function listen(worker: Worker, onMessage: (m: FromWorker) => void, reject: (e: Error) => void): void {
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    if (e.data.kind === 'error') reject(new Error(`a digest worker failed: ${e.data.message}`));
    else onMessage(e.data);
  };
  worker.onerror = (e) => reject(new Error(`a digest worker failed: ${e.message || 'it could not start'}`));
}

export async function digestBlob(blob: Blob, opts: ParallelDigestOptions): Promise<BlobDigest> {
  if (blob.size === 0) throw new Error('the file is empty; SPEC §1 has no digest of 0 bytes');
  const started = performance.now();
  const module = (await compileWasmModule()) as WebAssembly.Module;
  const combiner = (await loadWasm()).createLeafCombiner();
  const url = digestWorkerUrl();
  const workers: Worker[] = [];
  const progress = { totalBytes: blob.size, treeBytes: 0, shaBytes: opts.sha256 ? 0 : null, seconds: 0 };
  const report = () => opts.onProgress?.({ ...progress, seconds: (performance.now() - started) / 1000 });
  const jobBytes = Math.max(opts.leafSize, JOB_BYTES);
  const jobCount = Math.ceil(blob.size / jobBytes);

  try {
    const digests = await new Promise<[Uint8Array, Uint8Array | null]>((resolve, reject) => {
      onCancel(opts.signal, reject);
      const leafHashes = new Map<number, Uint8Array>(); // done out of order, folded in order
      const readBytes = new Map<number, ArrayBuffer>(); // read by tree workers, waiting for the SHA-256 in order
      const inFlight = new Map<Worker, number>();
      let nextJob = 0;
      let nextFold = 0;
      let nextSha = 0; // next job whose bytes go to the SHA-256 worker
      let shaJobsDone = 0;
      let root: Uint8Array | null = null;
      let content: Uint8Array | null = null;
      const finish = () => {
        if (root && (!opts.sha256 || content)) resolve([root, content]);
      };

      // The SHA-256 worker hashes the bytes the tree workers read, in file order: each byte is
      // read once. Tree jobs wait when the SHA-256 falls MAX_AHEAD jobs behind (bounded memory).
      const shaWorker = opts.sha256 && !opts.readOnly ? startWorker(url, workers) : null;
      if (shaWorker) {
        listen(
          shaWorker,
          (m) => {
            if (m.kind === 'sha256-progress') {
              progress.shaBytes = m.bytes;
              shaJobsDone = Math.ceil(m.bytes / jobBytes);
              report();
              pump();
            } else if (m.kind === 'sha256') {
              content = new Uint8Array(m.digest);
              finish();
            }
          },
          reject,
        );
        const setup: ToWorker = { kind: 'sha256-stream', module };
        shaWorker.postMessage(setup);
      }
      const forwardToSha = () => {
        for (let bytes = readBytes.get(nextSha); bytes; bytes = readBytes.get(nextSha)) {
          readBytes.delete(nextSha++);
          const chunk: ToWorker = { kind: 'chunk', bytes };
          shaWorker!.postMessage(chunk, [bytes]);
        }
        if (nextSha === jobCount) shaWorker!.postMessage({ kind: 'end' } satisfies ToWorker);
      };

      const count = Math.max(1, Math.min(opts.workers, jobCount));
      const ahead = Math.max(MAX_AHEAD, count * JOBS_PER_WORKER + 2);
      const pump = () => {
        for (const [worker, busy] of inFlight) {
          for (
            let n = busy;
            n < JOBS_PER_WORKER && nextJob < jobCount && (!shaWorker || nextJob - shaJobsDone < ahead);
            n++
          ) {
            const offset = nextJob * jobBytes;
            const job: ToWorker = {
              kind: 'job',
              job: nextJob++,
              offset,
              length: Math.min(jobBytes, blob.size - offset),
              keep: shaWorker !== null,
              hash: !opts.readOnly,
            };
            worker.postMessage(job);
            inFlight.set(worker, n + 1);
          }
        }
      };

      for (let i = 0; i < count; i++) {
        const worker = startWorker(url, workers);
        inFlight.set(worker, 0);
        listen(
          worker,
          (m) => {
            if (m.kind !== 'leaves') return;
            inFlight.set(worker, inFlight.get(worker)! - 1);
            leafHashes.set(m.job, new Uint8Array(m.hashes));
            for (let hashes = leafHashes.get(nextFold); hashes; hashes = leafHashes.get(nextFold)) {
              if (!opts.readOnly) combiner.push(hashes);
              leafHashes.delete(nextFold++);
              progress.treeBytes = Math.min(blob.size, nextFold * jobBytes);
            }
            if (m.bytes) {
              readBytes.set(m.job, m.bytes);
              forwardToSha();
            }
            report();
            if (nextFold === jobCount) {
              root = opts.readOnly ? new Uint8Array(32) : combiner.digest();
              finish();
            } else pump();
          },
          reject,
        );
        const setup: ToWorker = { kind: 'leaves', module, blob, leafSize: opts.leafSize };
        worker.postMessage(setup);
      }
      pump();
    });
    return { digest: digests[0], sha256: digests[1], size: blob.size, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const worker of workers) worker.terminate();
    URL.revokeObjectURL(url);
  }
}
