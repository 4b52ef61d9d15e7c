// A small pool of worker_threads that hash leaves (lib/digest-worker). Each worker answers its
// jobs in the order it received them, so a FIFO of pending promises per worker is enough.
import { Worker } from 'node:worker_threads';
import { FileIoError } from '../errors.js';
import type { LeafJob, LeafWorkerData, LeafWorkerMessage } from './digest-worker.js';

export interface LeafResult {
  leafHashes: Uint8Array;
}

interface Pending {
  resolve: (r: LeafResult) => void;
  reject: (e: unknown) => void;
}

/** The worker module next to this one: `.ts` when running from sources (tap's loader), `.js` from dist/. */
function workerUrl(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./digest-worker${ext}`, import.meta.url);
}

class LeafWorker {
  readonly worker: Worker;
  readonly pending: Pending[] = [];
  ready = false;
  #failed: unknown = undefined;

  constructor(data: LeafWorkerData) {
    // No explicit execArgv: by default a worker inherits the parent's (so a TS loader given with
    // --import applies inside it), whereas passing process.execArgv explicitly makes Node reject
    // process-wide flags such as --expose-gc or --max-old-space-size (ERR_WORKER_INVALID_EXEC_ARGV).
    this.worker = new Worker(workerUrl(), { workerData: data });
    this.worker.on('message', (m: LeafWorkerMessage) => {
      if ('ready' in m) {
        this.ready = true;
        return;
      }
      const p = this.pending.shift();
      if (!p) return;
      if ('error' in m) p.reject(new FileIoError(`leaf hashing worker failed: ${m.error}`));
      else p.resolve({ leafHashes: m.leafHashes });
    });
    const fail = (e: unknown) => {
      this.#failed ??= e;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    this.worker.on('error', (e) => fail(new FileIoError(`leaf hashing worker crashed: ${e.message}`, e)));
    this.worker.on('exit', (code) => fail(new FileIoError(`leaf hashing worker exited (code ${code})`)));
  }

  run(job: LeafJob): Promise<LeafResult> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(job);
    });
  }
}

export class LeafWorkerPool {
  readonly #workers: LeafWorker[];
  #nextId = 0;

  constructor(threads: number, data: LeafWorkerData) {
    this.#workers = Array.from({ length: threads }, () => new LeafWorker(data));
  }

  /** True once at least one worker has its WASM instance up. */
  get anyReady(): boolean {
    return this.#workers.some((w) => w.ready);
  }

  /** Hashes the leaves of file bytes [position, position + length) on the least busy worker. */
  hashLeaves(position: number, length: number, leafSize: number): Promise<LeafResult> {
    const score = (w: LeafWorker) => w.pending.length + (w.ready ? 0 : 0.5); // prefer started workers on ties
    const worker = this.#workers.reduce((a, b) => (score(b) < score(a) ? b : a));
    return worker.run({ id: this.#nextId++, position, length, leafSize });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}
