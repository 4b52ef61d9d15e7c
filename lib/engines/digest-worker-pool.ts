// A small pool of worker_threads that hash leaves (lib/digest-worker). Each worker answers its
// jobs in the order it received them, so a FIFO of pending promises per worker is enough.
// digestFile keeps one pool warm between calls (acquireLeafPool / releaseLeafPool): starting a
// worker costs 30-80 ms of CPU, as much as hashing 30-60 MB, and a model is usually several files
// digested one after the other. An idle pool does not keep the process alive and is terminated
// after IDLE_MS without a call.
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
  failed: unknown = undefined;

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
      this.failed ??= e;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    this.worker.on('error', (e) => fail(new FileIoError(`leaf hashing worker crashed: ${e.message}`, e)));
    this.worker.on('exit', (code) => fail(new FileIoError(`leaf hashing worker exited (code ${code})`)));
  }

  run(job: LeafJob): Promise<LeafResult> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(job);
    });
  }
}

export class LeafWorkerPool {
  readonly threads: number;
  readonly #workers: LeafWorker[];
  #nextId = 0;

  constructor(threads: number, data: LeafWorkerData) {
    this.threads = threads;
    this.#workers = Array.from({ length: threads }, () => new LeafWorker(data));
  }

  /** True once at least one worker has its WASM instance up. */
  get anyReady(): boolean {
    return this.#workers.some((w) => w.ready);
  }

  /** True when a worker crashed, exited or was terminated: the pool must not be reused. */
  get broken(): boolean {
    return this.#workers.some((w) => w.failed !== undefined);
  }

  /** Hashes the leaves of bytes [position, position + length) of the open file `fd` on the least busy worker. */
  hashLeaves(fd: number, position: number, length: number, leafSize: number): Promise<LeafResult> {
    // Least pending jobs; started workers on ties; a failed worker only when all have failed (it rejects).
    const score = (w: LeafWorker) => (w.failed !== undefined ? Infinity : w.pending.length + (w.ready ? 0 : 0.5));
    const worker = this.#workers.reduce((a, b) => (score(b) < score(a) ? b : a));
    return worker.run({ id: this.#nextId++, fd, position, length, leafSize });
  }

  /** Idle workers do not keep the event loop alive (ref() again before handing out jobs). */
  unref(): void {
    for (const w of this.#workers) w.worker.unref();
  }

  ref(): void {
    for (const w of this.#workers) w.worker.ref();
  }

  async terminate(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}

/** An idle shared pool is terminated after this long without a digestFile call. */
export const IDLE_MS = 5000;

let shared: { pool: LeafWorkerPool; users: number; idle: ReturnType<typeof setTimeout> | undefined } | undefined;

/** The pool digestFile calls share (warm or in use), if any. */
export function sharedLeafPool(): LeafWorkerPool | undefined {
  return shared?.pool;
}

function dropShared(): void {
  const s = shared;
  if (!s) return;
  shared = undefined;
  if (s.idle) clearTimeout(s.idle);
  void s.pool.terminate();
}

/**
 * A pool of `threads` workers running `module`: the shared warm one when it fits, else a new one
 * (which becomes the shared one unless another call is using a pool of a different size).
 */
export function acquireLeafPool(threads: number, module: object): LeafWorkerPool {
  if (shared && (shared.pool.broken || (shared.users === 0 && shared.pool.threads !== threads))) dropShared();
  if (shared && shared.pool.threads === threads) {
    if (shared.idle) clearTimeout(shared.idle);
    shared.idle = undefined;
    shared.users++;
    shared.pool.ref();
    return shared.pool;
  }
  const pool = new LeafWorkerPool(threads, { module });
  if (!shared) shared = { pool, users: 1, idle: undefined };
  return pool;
}

/**
 * Gives a pool back once none of the caller's jobs is pending (a worker must never read a
 * descriptor after its owner closed it). A pool with a failed worker is terminated.
 */
export async function releaseLeafPool(pool: LeafWorkerPool, idleMs = IDLE_MS): Promise<void> {
  if (!shared || shared.pool !== pool) {
    await pool.terminate();
    return;
  }
  shared.users--;
  if (pool.broken) {
    dropShared();
    await pool.terminate();
    return;
  }
  if (shared.users > 0) return;
  pool.unref();
  shared.idle = setTimeout(dropShared, idleMs);
  shared.idle.unref();
}
