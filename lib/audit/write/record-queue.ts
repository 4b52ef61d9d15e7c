// The logger's record queue: chain state (seq, prev hash, non-decreasing ts), accepted records
// waiting for a write, the queue bounds, and the count of refused events that becomes an
// `audit.gap` record. Records are built (hashed, chained) when accepted, so the order of the
// chain is the order of emit() calls whatever the writer does later.
import type { OperationalLogger } from './operational-log.js';
import { AuditBufferFullError, InvalidAuditEventError } from '../../errors.js';
import { buildRecordLine, formatTs } from '../format/record.js';
import { Uuid7Generator } from '../format/uuid7.js';
import { validateEvent, type ValidatedEvent } from '../format/validate.js';

export interface QueuedRecord {
  seq: number;
  line: string;
  bytes: number;
  /** UTC day (YYYY-MM-DD) of the record's ts: segments rotate when it changes. */
  day: string;
  /** The record's hash (hex): its SPEC §8 tree entry. */
  hash: string;
}

/** What emit() returns: where the record sits in the chain. */
export interface EmitResult {
  seq: number;
  id: string;
  hash: string;
}

type BuiltRecord = QueuedRecord & { id: string };

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
  #nextSeq: number;
  #prev: string;
  #lastTsMs: number;
  #lastTsText = '';
  #queue: QueuedRecord[] = [];
  #head = 0;
  #bytes = 0;
  /** Refused events not yet covered by an audit.gap record. */
  #drops = 0;
  #totalDrops = 0;
  #firstDropTs = '';
  #lastDropTs = '';

  constructor(opts: RecordQueueOptions) {
    this.#opts = opts;
    this.#nextSeq = opts.nextSeq;
    this.#prev = opts.prev;
    this.#lastTsMs = opts.lastTsMs;
  }

  get nextSeq(): number {
    return this.#nextSeq;
  }
  /** The hash of the newest accepted record (the chain head a seal's tag covers). */
  get prev(): string {
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

  /** Builds and queues an application event, first writing the owed audit.gap; refuses when full. */
  accept(v: ValidatedEvent): EmitResult {
    const gap = this.#drops > 0 ? this.#build(this.#gapEvent(), this.#nextSeq, this.#prev) : null;
    const rec = gap ? this.#build(v, gap.seq + 1, gap.hash) : this.#build(v, this.#nextSeq, this.#prev);
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
    return { seq: rec.seq, id: rec.id, hash: rec.hash };
  }

  /** Records of the logger itself bypass the queue bounds: they are few and must not be lost. */
  appendInternal(type: string, data: Record<string, unknown>): void {
    const v = validateEvent({ type, data }, true);
    this.#push(this.#build(v, this.#nextSeq, this.#prev));
  }

  /** Writes the owed audit.gap record now (at close). */
  appendOwedGap(): void {
    if (this.#drops > 0) this.#pushGap(this.#build(this.#gapEvent(), this.#nextSeq, this.#prev));
  }

  peek(): QueuedRecord | undefined {
    return this.#queue[this.#head];
  }

  /** Takes records from the head while `fits(record, bytesTakenSoFar)` says yes (always at least one). */
  take(limit: number, fits: (r: QueuedRecord, taken: number) => boolean): QueuedRecord[] {
    const out: QueuedRecord[] = [];
    let taken = 0;
    while (this.#head < this.#queue.length && out.length < limit) {
      const r = this.#queue[this.#head]!;
      if (out.length > 0 && !fits(r, taken)) break;
      out.push(r);
      taken += r.bytes;
      this.#bytes -= r.bytes;
      this.#head++;
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
    const rest = this.#queue.slice(this.#head);
    const merged = records.concat(rest);
    if (rest.length > 0 && rest[0]!.seq < records[records.length - 1]!.seq) merged.sort((a, b) => a.seq - b.seq);
    this.#queue = merged;
    this.#head = 0;
    for (const r of records) this.#bytes += r.bytes;
  }

  #nextTs(): { ms: number; text: string } {
    let ms = this.#opts.clock();
    // A clock that steps back repeats the previous ts (SPEC §4: non-decreasing).
    if (!(ms >= this.#lastTsMs)) ms = this.#lastTsMs;
    if (ms !== this.#lastTsMs || this.#lastTsText === '') {
      this.#lastTsMs = ms;
      this.#lastTsText = formatTs(ms);
    }
    return { ms, text: this.#lastTsText };
  }

  #build(v: ValidatedEvent, seq: number, prev: string): BuiltRecord {
    const ts = this.#nextTs();
    const id = this.#ids.next(ts.ms);
    const { line, hash } = buildRecordLine({
      seq,
      id,
      ts: ts.text,
      service: this.#opts.service,
      type: v.type,
      severity: v.severity,
      data: v.data,
      prev,
    });
    const bytes = Buffer.byteLength(line);
    if (bytes > MAX_RECORD_BYTES)
      throw new InvalidAuditEventError('data', `the record would be ${bytes} bytes; the limit is ${MAX_RECORD_BYTES}`);
    return { seq, line, bytes, day: ts.text.slice(0, 10), id, hash };
  }

  #push(r: BuiltRecord): void {
    this.#queue.push({ seq: r.seq, line: r.line, bytes: r.bytes, day: r.day, hash: r.hash });
    this.#bytes += r.bytes;
    this.#nextSeq = r.seq + 1;
    this.#prev = r.hash;
  }

  #gapEvent(): ValidatedEvent {
    return {
      type: 'audit.gap',
      severity: 'warning',
      data: { count: this.#drops, first_dropped_at: this.#firstDropTs, last_dropped_at: this.#lastDropTs },
    };
  }

  #pushGap(gap: BuiltRecord): void {
    this.#push(gap);
    this.#drops = 0;
  }

  #countDrop(): void {
    const now = this.#nextTs().text;
    if (this.#drops === 0) this.#firstDropTs = now;
    this.#lastDropTs = now;
    this.#drops++;
    this.#totalDrops++;
    if (this.#totalDrops === 1 || this.#totalDrops % 1000 === 0)
      this.#opts.log.error('audit queue full: events are being refused', { dropped: this.#totalDrops });
  }
}
