// The witness's durable memory: an append-only journal of (origin, size, root) lines, one fsync per
// batch of concurrent updates (group commit). A torn last line from a crash is cut on open; anything
// else unreadable refuses to start, since a witness that forgot what it cosigned could roll back.
import { closeSync, fdatasync, fsyncSync, openSync, readFileSync, renameSync, writeSync, ftruncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { WitnessStateError } from '../errors.js';
import { decodeBase64, encodeBase64 } from '../wasm/base64.js';
import type { CosignedState } from './add-checkpoint.js';

/** Above this many lines the journal is rewritten (one line per origin) when it is opened. */
const COMPACT_ABOVE_LINES = 4096;

interface Entry {
  origin: string;
  size: number;
  root: string;
}

export class StateJournal {
  readonly #path: string;
  #fd: number;
  readonly #state = new Map<string, CosignedState>();
  #pending: string[] = [];
  #waiters: { resolve(): void; reject(e: Error): void }[] = [];
  #flushing: Promise<void> | null = null;
  #broken: Error | null = null;

  private constructor(path: string, fd: number) {
    this.#path = path;
    this.#fd = fd;
  }

  /** Open (or create) the journal at `path`, replaying it. E_WITNESS_STATE when it is corrupt. */
  static open(path: string): StateJournal {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new WitnessStateError(`cannot read the witness state ${path}: ${(err as Error).message}`);
    }
    const lines = text.split('\n');
    const tail = lines.pop()!; // after the last LF: empty, or a torn line
    const journal = new StateJournal(path, -1);
    for (const [i, line] of lines.entries()) journal.#replay(line, `${path}:${i + 1}`);
    const goodBytes = Buffer.byteLength(text) - Buffer.byteLength(tail);
    if (lines.length > COMPACT_ABOVE_LINES) journal.#compact();
    journal.#fd = openSync(path, 'a', 0o600);
    if (text === '') syncDirectory(path); // a new journal's name must survive a crash too
    if (tail !== '') {
      ftruncateSync(journal.#fd, goodBytes); // a torn last line: the update it held was never answered
      fsyncSync(journal.#fd);
    }
    return journal;
  }

  /** The size and root last cosigned for `origin`, if any. */
  get(origin: string): CosignedState | undefined {
    return this.#state.get(origin);
  }

  /** Every origin's state (for status output). */
  entries(): [string, CosignedState][] {
    return [...this.#state.entries()];
  }

  /**
   * Record a new state for `origin` at once (later checks see it) and resolve once it is on disk.
   * Sizes only grow; a failed write breaks the journal for good (the process must restart).
   */
  commit(origin: string, state: CosignedState): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    this.#state.set(origin, state);
    this.#pending.push(`${JSON.stringify({ origin, size: state.size, root: encodeBase64(state.root) })}\n`);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#flushing ??= this.#flushSoon();
    return done;
  }

  /** Resolves when every update made so far is on disk (answers that read the state wait for this). */
  async settled(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#broken) throw this.#broken;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }

  async #flushSoon(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.#pending.length > 0) {
      const batch = this.#pending.join('');
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      try {
        writeSync(this.#fd, batch);
        await new Promise<void>((resolve, reject) => fdatasync(this.#fd, (e) => (e ? reject(e) : resolve())));
        for (const w of waiters) w.resolve();
      } catch (err) {
        this.#broken = new WitnessStateError(`cannot persist the witness state: ${(err as Error).message}`);
        for (const w of [...waiters, ...this.#waiters]) w.reject(this.#broken);
        this.#waiters = [];
        this.#pending = [];
      }
    }
    this.#flushing = null;
  }

  #replay(line: string, where: string): void {
    let entry: Entry;
    try {
      entry = JSON.parse(line) as Entry;
    } catch {
      throw new WitnessStateError(`${where}: not a JSON line; the witness state is corrupt`);
    }
    if (
      typeof entry?.origin !== 'string' ||
      !Number.isSafeInteger(entry.size) ||
      entry.size < 0 ||
      typeof entry.root !== 'string'
    )
      throw new WitnessStateError(`${where}: not a state entry; the witness state is corrupt`);
    const root = decodeBase64(entry.root);
    const before = this.#state.get(entry.origin);
    if (root.length !== 32 || (before !== undefined && entry.size < before.size))
      throw new WitnessStateError(`${where}: the size goes back or the root is not 32 bytes; the state is corrupt`);
    this.#state.set(entry.origin, { size: entry.size, root });
  }

  /** Rewrite the journal as one line per origin: temp file, fsync, rename, fsync the directory. */
  #compact(): void {
    const tmp = `${this.#path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    for (const [origin, s] of this.#state)
      writeSync(fd, `${JSON.stringify({ origin, size: s.size, root: encodeBase64(s.root) })}\n`);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.#path);
    syncDirectory(this.#path);
  }
}

function syncDirectory(path: string): void {
  const dir = openSync(dirname(path), 'r');
  fsyncSync(dir);
  closeSync(dir);
}
