// A small pool of worker_threads that hash leaves (lib/digest-worker). Each worker answers its
// jobs in the order it received them, so a FIFO of pending promises per worker is enough.
import { Worker } from 'node:worker_threads';
import { VramResidencyError } from './errors.js';
import type { LeafJob, LeafJobResult } from './digest-worker.js';

interface Pending {
  resolve: (r: { buffer: ArrayBuffer; leafHashes: Uint8Array }) => void;
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
  #failed: unknown = undefined;

  constructor() {
    // Inherit execArgv so a TS loader given with --import also applies inside the worker.
    this.worker = new Worker(workerUrl(), { execArgv: process.execArgv });
    this.worker.on('message', (r: LeafJobResult) => {
      const p = this.pending.shift();
      if (!p) return;
      if ('error' in r) p.reject(new VramResidencyError('E_IO', `leaf hashing worker failed: ${r.error}`));
      else p.resolve({ buffer: r.buffer, leafHashes: r.leafHashes });
    });
    const fail = (e: unknown) => {
      this.#failed ??= e;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    this.worker.on('error', (e) => fail(new VramResidencyError('E_IO', `leaf hashing worker crashed: ${e.message}`, { cause: e })));
    this.worker.on('exit', (code) => fail(new VramResidencyError('E_IO', `leaf hashing worker exited (code ${code})`)));
  }

  run(job: LeafJob): Promise<{ buffer: ArrayBuffer; leafHashes: Uint8Array }> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(job, [job.buffer]);
    });
  }
}

export class LeafWorkerPool {
  readonly #workers: LeafWorker[];
  #nextId = 0;

  constructor(threads: number) {
    this.#workers = Array.from({ length: threads }, () => new LeafWorker());
  }

  /** Hashes the leaves of buffer[0, length) on the least busy worker; the buffer is transferred and handed back. */
  hashLeaves(buffer: ArrayBuffer, length: number, leafSize: number): Promise<{ buffer: ArrayBuffer; leafHashes: Uint8Array }> {
    const worker = this.#workers.reduce((a, b) => (b.pending.length < a.pending.length ? b : a));
    return worker.run({ id: this.#nextId++, buffer, length, leafSize });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}
