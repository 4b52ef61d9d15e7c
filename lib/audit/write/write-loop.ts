// The background write loop of the audit logger: writes queued batches (or the fsync still owed)
// until nothing is left or the logger is closed, and after a failed write waits a backoff that
// doubles from `initial` up to `max` and starts over after a success. flush() and close() wake
// the wait so that they need not sit it out. When to start the loop is the logger's decision.
import type { RecordQueue } from './record-queue.js';
import type { SegmentWriter } from './segment-writer.js';

export interface WriteLoopOptions {
  queue: RecordQueue;
  writer: SegmentWriter;
  backoff: { initial: number; max: number };
  /** The logger is closed: the loop stops, even with records left. */
  closed: () => boolean;
  /** The loop ended with the logger still open (records accepted meanwhile need scheduling). */
  ended: () => void;
}

export class WriteLoop {
  readonly #o: WriteLoopOptions;
  #running = false;
  #finished: Promise<void> = Promise.resolve();
  #delay: number;
  #wake: (() => void) | null = null;

  constructor(o: WriteLoopOptions) {
    this.#o = o;
    this.#delay = o.backoff.initial;
  }

  /** Started and not yet ended. */
  get running(): boolean {
    return this.#running;
  }

  /** The current (or last) run: close waits for it. */
  get finished(): Promise<void> {
    return this.#finished;
  }

  /** Runs the loop from the next turn of the event loop. */
  start(): void {
    this.#running = true;
    setImmediate(() => {
      this.#finished = this.#run();
    });
  }

  /** Ends a backoff wait in progress now; does nothing when none is. */
  wake(): void {
    this.#wake?.();
  }

  /** A write succeeded: the next failure waits `initial` again. */
  resetBackoff(): void {
    this.#delay = this.#o.backoff.initial;
  }

  async #run(): Promise<void> {
    const { queue, writer, closed } = this.#o;
    try {
      while ((queue.length > 0 || writer.owesFsync) && !closed()) {
        const ok = queue.length > 0 ? await writer.writeBatch() : await writer.syncWritten();
        if (!ok && !closed()) await this.#sleep();
      }
    } finally {
      this.#running = false;
    }
    if (!closed()) this.#o.ended();
  }

  async #sleep(): Promise<void> {
    await new Promise<void>((r) => {
      const timer = setTimeout(r, this.#delay);
      this.#wake = () => {
        clearTimeout(timer);
        r();
      };
    });
    this.#wake = null;
    this.#delay = Math.min(this.#delay * 2, this.#o.backoff.max);
  }
}
