// The logger's record queue: chain state (seq, prev hash, non-decreasing ts), accepted records
// waiting for a write, the queue bounds, and the count of refused events that becomes an
// `audit.gap` record. emit() gives a record its seq, id and ts and keeps a copy of its data; the
// line and hash are built (in seq order, chained) when the write loop takes records, or earlier
// when a caller reads an EmitResult's hash or the chain head, so the order of the chain is the
// order of emit() calls and SHA-256, JCS and serialisation stay off the caller's turn.
import type { OperationalLogger } from './operational-log.js';
import { AuditBufferFullError } from '../../errors.js';
import { formatTs, OwnRecordLines } from './record-line.js';
import { Uuid7Generator } from '../format/uuid7.js';
import { validateEvent, type ValidatedEvent } from '../format/validate.js';
import type { Severity } from '../format/events.js';
import { snapshotData } from './record-snapshot.js';

export interface QueuedRecord {
  seq: number;
  /**
   * The record line with its LF; '' until built, and again once it is copied into a write's
   * buffer (`chunk`): a line string kept alive until its fsync is what a young-generation
   * collection spends its time copying.
   */
  line: string;
  /** The buffer the line was last copied into (when `line` is ''), and where in it. */
  chunk: Buffer | null;
  chunkAt: number;
  /** UTF-8 bytes of the line; until built, an upper bound of them. */
  bytes: number;
  /** UTC day (YYYY-MM-DD) of the record's ts: segments rotate when it changes. */
  day: string;
  /** The record's hash (hex): its SPEC §8 tree entry; '' until built. */
  hash: string;
}

/** What emit() returns: where the record sits in the chain. */
export interface EmitResult {
  seq: number;
  id: string;
  /** The record's hash (hex); computed (with every record before it) when first read. */
  hash: string;
}

/** A queued record and what building it needs (dropped once built). */
interface PendingRecord extends QueuedRecord {
  id: string;
  ts: string;
  type: string;
  severity: Severity;
  data: Record<string, unknown> | null;
}

/** emit()'s answer: seq and id now, the hash built on demand. */
class EmittedRecord implements EmitResult {
  readonly seq: number;
  readonly id: string;
  readonly #rec: PendingRecord;
  readonly #queue: RecordQueue;
  constructor(rec: PendingRecord, queue: RecordQueue) {
    this.seq = rec.seq;
    this.id = rec.id;
    this.#rec = rec;
    this.#queue = queue;
  }
  get hash(): string {
    if (this.#rec.hash === '') this.#queue.buildAll();
    return this.#rec.hash;
  }
  toJSON(): { seq: number; id: string; hash: string } {
    return { seq: this.seq, id: this.id, hash: this.hash };
  }
}

export const MAX_RECORD_BYTES = 64 * 1024;

export interface RecordQueueOptions {
  service: string;
  clock: () => number;
  maxQueueEvents: number;
  maxQueueBytes: number;
  log: OperationalLogger;
  /** Records taken by the writer but not yet durable: they still count against the bounds. */
  inWrite: () => { count: number; bytes: number };
  /** Chain state to continue from (after recovery). */
  nextSeq: number;
  prev: string;
  lastTsMs: number;
}

export class RecordQueue {
  readonly #opts: RecordQueueOptions;
  readonly #ids = new Uuid7Generator();
  readonly #lines: OwnRecordLines;
  #nextSeq: number;
  /** The hash of the newest built record. */
  #prev: string;
  /** The newest records (the tail of #queue) not built yet. */
  #unbuilt = 0;
  #lastTsMs: number;
  #lastTsText = '';
  #lastDay = '';
  /** Records from #head on are queued; the slots before it are emptied as records are taken. */
  #queue: (PendingRecord | undefined)[] = [];
  #head = 0;
  #bytes = 0;
  /** Refused events not yet covered by an audit.gap record. */
  #drops = 0;
  #totalDrops = 0;
  #firstDropTs = '';
  #lastDropTs = '';

  constructor(opts: RecordQueueOptions) {
    this.#opts = opts;
    this.#lines = new OwnRecordLines(opts.service);
    this.#nextSeq = opts.nextSeq;
    this.#prev = opts.prev;
    this.#lastTsMs = opts.lastTsMs;
  }

  get nextSeq(): number {
    return this.#nextSeq;
  }
  /** The hash of the newest accepted record (the chain head a seal's tag covers). */
  get prev(): string {
    this.buildAll();
    return this.#prev;
  }
  get length(): number {
    return this.#queue.length - this.#head;
  }
  get bytes(): number {
    return this.#bytes;
  }
  get pendingGap(): number {
    return this.#drops;
  }
  get totalDrops(): number {
    return this.#totalDrops;
  }

  /** Records accepted and not yet durable: queued plus the ones being written. */
  pending(): { count: number; bytes: number } {
    const w = this.#opts.inWrite();
    return { count: this.length + w.count, bytes: this.#bytes + w.bytes };
  }

  /** Queues an application event, first the owed audit.gap; refuses when full (sizes are upper bounds). */
  accept(v: ValidatedEvent): EmitResult {
    const gap = this.#drops > 0 ? this.#pend(this.#gapEvent(), this.#nextSeq) : null;
    const rec = this.#pend(v, gap ? gap.seq + 1 : this.#nextSeq);
    const pending = this.pending();
    const events = pending.count + (gap ? 2 : 1);
    const bytes = pending.bytes + rec.bytes + (gap?.bytes ?? 0);
    if (events > this.#opts.maxQueueEvents || bytes > this.#opts.maxQueueBytes) {
      this.#countDrop();
      throw new AuditBufferFullError(
        `the audit queue is full (${pending.count} records, ${pending.bytes} bytes pending); the event was not logged and will be counted in an audit.gap record`,
      );
    }
    if (gap) this.#pushGap(gap);
    this.#push(rec);
    return new EmittedRecord(rec, this);
  }

  /** Records of the logger itself bypass the queue bounds: they are few and must not be lost. */
  appendInternal(type: string, data: Record<string, unknown>): void {
    const v = validateEvent({ type, data }, true);
    this.#push(this.#pend(v, this.#nextSeq));
  }

  /** Writes the owed audit.gap record now (at close). */
  appendOwedGap(): void {
    if (this.#drops > 0) this.#pushGap(this.#pend(this.#gapEvent(), this.#nextSeq));
  }

  peek(): QueuedRecord | undefined {
    this.buildAll();
    return this.#queue[this.#head];
  }

  /** Serialises and hashes, in seq order, every queued record not built yet (chaining each to the one before). */
  buildAll(): void {
    const q = this.#queue;
    for (let i = q.length - this.#unbuilt; i < q.length; i++) {
      const r = q[i]!;
      const built = this.#lines.build(r.seq, r.id, r.ts, r.type, r.severity, r.data!, this.#prev);
      this.#bytes += built.bytes - r.bytes; // ≤ r.bytes, the bound the queue counted
      r.line = built.line;
      r.hash = built.hash;
      r.bytes = built.bytes;
      r.data = null;
      r.id = ''; // its EmittedRecord keeps the id
      this.#prev = built.hash;
    }
    this.#unbuilt = 0;
  }

  /** Takes records from the head while `fits(record, bytesTakenSoFar)` says yes (always at least one). */
  take(limit: number, fits: (r: QueuedRecord, taken: number) => boolean): QueuedRecord[] {
    this.buildAll();
    const out: QueuedRecord[] = [];
    let taken = 0;
    while (this.#head < this.#queue.length && out.length < limit) {
      const r = this.#queue[this.#head]!;
      if (out.length > 0 && !fits(r, taken)) break;
      out.push(r);
      taken += r.bytes;
      this.#bytes -= r.bytes;
      // Let go of it now, not when the array is next compacted: held by the array, records that
      // are long written lived through young-generation collections and were promoted.
      this.#queue[this.#head++] = undefined;
    }
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }

  /**
   * Puts records whose write failed (or whose file was deleted) back, in seq order: usually at the
   * head, but records of an earlier write can come back after those of a later one.
   */
  requeue(records: QueuedRecord[]): void {
    if (records.length === 0) return;
    const rest = this.#queue.slice(this.#head) as PendingRecord[];
    const merged = (records as PendingRecord[]).concat(rest);
    if (rest.length > 0 && rest[0]!.seq < records[records.length - 1]!.seq) merged.sort((a, b) => a.seq - b.seq);
    this.#queue = merged;
    this.#head = 0;
    for (const r of records) this.#bytes += r.bytes;
  }

  /** Advances #lastTsMs / #lastTsText / #lastDay to now (SPEC §4: a clock that steps back repeats the previous ts). */
  #tick(): void {
    const ms = this.#opts.clock();
    if (!(ms > this.#lastTsMs) && this.#lastTsText !== '') return;
    if (ms > this.#lastTsMs) this.#lastTsMs = ms;
    this.#lastTsText = formatTs(this.#lastTsMs);
    this.#lastDay = this.#lastTsText.slice(0, 10);
  }

  /** Gives an event its seq, ts and id and a copy of its data; the line and hash come in buildAll. */
  #pend(v: ValidatedEvent, seq: number): PendingRecord {
    this.#tick();
    const snap = snapshotData(v.data, this.#opts.service, v.type, v.severity, MAX_RECORD_BYTES);
    return {
      seq,
      line: '',
      chunk: null,
      chunkAt: 0,
      bytes: snap.lineBound,
      day: this.#lastDay,
      hash: '',
      id: this.#ids.next(this.#lastTsMs),
      ts: this.#lastTsText,
      type: v.type,
      severity: v.severity,
      data: snap.data,
    };
  }

  #push(r: PendingRecord): void {
    this.#queue.push(r);
    this.#bytes += r.bytes;
    this.#nextSeq = r.seq + 1;
    this.#unbuilt++;
  }

  #gapEvent(): ValidatedEvent {
    return {
      type: 'audit.gap',
      severity: 'warning',
      data: { count: this.#drops, first_dropped_at: this.#firstDropTs, last_dropped_at: this.#lastDropTs },
    };
  }

  #pushGap(gap: PendingRecord): void {
    this.#push(gap);
    this.#drops = 0;
  }

  #countDrop(): void {
    this.#tick();
    const now = this.#lastTsText;
    if (this.#drops === 0) this.#firstDropTs = now;
    this.#lastDropTs = now;
    this.#drops++;
    this.#totalDrops++;
    if (this.#totalDrops === 1 || this.#totalDrops % 1000 === 0)
      this.#opts.log.error('audit queue full: events are being refused', { dropped: this.#totalDrops });
  }
}
