// The callers of AuditLogger.flush() waiting for a sequence number to become durable, and what
// they get while the log directory is gone (issue 10 item 5): an AuditIoError at once, instead of
// a wait for a directory that may never come back. The records stay queued either way.
import { existsSync } from 'node:fs';
import { AuditIoError } from '../../errors.js';

type Waiter = { seq: number; resolve: () => void; reject: (err: Error) => void };

export class FlushWaiters {
  readonly #dir: string;
  readonly #queued: () => number;
  #waiters: Waiter[] = [];
  /** The last write failed because the log directory no longer exists. */
  #dirGone = false;

  /** `queued` counts the records not yet durable, for the error message. */
  constructor(dir: string, queued: () => number) {
    this.#dir = dir;
    this.#queued = queued;
  }

  /** Resolves once records up to `seq` are durable; rejects if the directory is (still) gone. */
  wait(seq: number): Promise<void> {
    const p = new Promise<void>((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
    if (this.#dirGone && !existsSync(this.#dir)) this.#rejectAll();
    return p;
  }

  /** Records up to `seq` are durable. */
  resolveUpTo(seq: number): void {
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) w.seq <= seq ? w.resolve() : still.push(w);
    this.#waiters = still;
  }

  /** A write failed: if it was because the directory is gone, nobody waits for it to come back. */
  writeFailed(): void {
    this.#dirGone = !existsSync(this.#dir);
    if (this.#dirGone) this.#rejectAll();
  }

  writeSucceeded(): void {
    this.#dirGone = false;
  }

  #rejectAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    const n = this.#queued();
    for (const w of waiters)
      w.reject(
        new AuditIoError(
          `the audit directory ${this.#dir} no longer exists; ${n} records are queued and are written if it comes back`,
        ),
      );
  }
}
