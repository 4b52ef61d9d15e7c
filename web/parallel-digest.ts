// SPEC §1 tree digest (and optionally the plain SHA-256) of a File with Web Workers, one per
// core. The file is cut into jobs of whole leaves; workers return each job's leaf hashes and the
// page folds them into the root in file order with the WASM LeafHashCombiner (RFC 6962 splits
// never line up with job boundaries, so only leaf hashes are combined, never sub-trees). The plain
// SHA-256 cannot be split: one extra worker streams the file in order, alongside the tree workers.
import { compileWasmModule, loadWasm } from '../dist/wasm/index.js';
import type { FromWorker, ToWorker } from './digest-messages.js';

declare const __DIGEST_WORKER_SOURCE__: string;

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
}

export interface BlobDigest {
  digest: Uint8Array;
  sha256: Uint8Array | null;
  size: number;
  seconds: number;
}

/** Bytes per job: whole leaves, 8 MiB unless a leaf is larger. */
const JOB_BYTES = 8 * 1024 * 1024;
/** Jobs queued per worker: one hashing, one being read. */
const JOBS_PER_WORKER = 2;

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16));
}

function startWorker(url: string, workers: Worker[]): Worker {
  const worker = new Worker(url, { name: `digest-${workers.length}` });
  workers.push(worker);
  return worker;
}

/** Messages from one worker, with its errors (a script error, a posted error) as rejections. */
function listen(worker: Worker, onMessage: (m: FromWorker) => void, reject: (e: Error) => void): void {
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
  const url = URL.createObjectURL(new Blob([__DIGEST_WORKER_SOURCE__], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  const progress = { totalBytes: blob.size, treeBytes: 0, shaBytes: opts.sha256 ? 0 : null, seconds: 0 };
  const report = () => opts.onProgress?.({ ...progress, seconds: (performance.now() - started) / 1000 });

  const tree = new Promise<Uint8Array>((resolve, reject) => {
    const jobBytes = Math.max(opts.leafSize, JOB_BYTES);
    const jobCount = Math.ceil(blob.size / jobBytes);
    const done = new Map<number, Uint8Array>();
    let nextJob = 0;
    let nextFold = 0;
    const send = (worker: Worker) => {
      if (nextJob >= jobCount) return;
      const offset = nextJob * jobBytes;
      const message: ToWorker = { kind: 'job', job: nextJob++, offset, length: Math.min(jobBytes, blob.size - offset) };
      worker.postMessage(message);
    };
    const count = Math.max(1, Math.min(opts.workers, jobCount));
    for (let i = 0; i < count; i++) {
      const worker = startWorker(url, workers);
      listen(worker, (m) => {
        if (m.kind !== 'leaves') return;
        done.set(m.job, new Uint8Array(m.hashes));
        for (let hashes = done.get(nextFold); hashes; hashes = done.get(nextFold)) {
          combiner.push(hashes);
          done.delete(nextFold);
          progress.treeBytes = Math.min(blob.size, (nextFold + 1) * jobBytes);
          nextFold++;
        }
        report();
        if (nextFold === jobCount) resolve(combiner.digest());
        else send(worker);
      }, reject);
      const setup: ToWorker = { kind: 'leaves', module, blob, leafSize: opts.leafSize };
      worker.postMessage(setup);
      for (let j = 0; j < JOBS_PER_WORKER; j++) send(worker);
    }
  });

  const sha = !opts.sha256 ? Promise.resolve(null) : new Promise<Uint8Array>((resolve, reject) => {
    const worker = startWorker(url, workers);
    listen(worker, (m) => {
      if (m.kind === 'sha256-progress') {
        progress.shaBytes = m.bytes;
        report();
      } else if (m.kind === 'sha256') {
        resolve(new Uint8Array(m.digest));
      }
    }, reject);
    const message: ToWorker = { kind: 'sha256', module, blob };
    worker.postMessage(message);
  });

  try {
    const [digest, sha256] = await Promise.all([tree, sha]);
    return { digest, sha256, size: blob.size, seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const worker of workers) worker.terminate();
    URL.revokeObjectURL(url);
  }
}
