// AuditLogger: synchronous emit into a bounded queue, background group-commit writes, and a
// synchronous write+fsync path for critical events. See docs/audit.md for the durability model.
import { createHash, type Hash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, type ILogObj } from 'tslog';
import { AuditBufferFullError, AuditError, AuditIoError, InvalidArgumentError, InvalidAuditEventError } from '../errors.js';
import { AUDIT_FORMAT, type AuditEvent } from './events.js';
import { nodeFileLayer, type FileLayer } from './file-layer.js';
import { DirectoryLock } from './lock.js';
import { buildRecordLine, formatTs } from './record.js';
import { recoverLog } from './recover.js';
import { segmentName, sidecarName, sidecarText } from './segments.js';
import { Uuid7Generator } from './uuid7.js';
import { SERVICE_PATTERN, validateEvent, type ValidatedEvent } from './validate.js';

export type FlushOptions = { mode: 'immediate' } | { mode: 'batched' | 'hybrid'; maxEvents?: number; maxDelayMs?: number };

export interface AuditLoggerOptions {
  dir: string;
  service: string;
  flush?: FlushOptions;
  maxQueueEvents?: number;
  maxQueueBytes?: number;
  rotateBytes?: number;
  fileLayer?: FileLayer;
  /** Milliseconds since the epoch; injectable for tests of clock steps and midnight rotation. */
  clock?: () => number;
  /** tslog logger for the logger's own operational messages (never audit content). */
  operationalLog?: Logger<ILogObj>;
  /** First and maximum delay between retries of a failed write. */
  retryBackoffMs?: { initial: number; max: number };
}

export type AuditLoggerState = 'open' | 'retrying' | 'closing' | 'closed';

export interface AuditHealth {
  state: AuditLoggerState;
  /** Accepted records not yet durable (queued or being written). */
  queueDepth: number;
  queueBytes: number;
  /** Events refused with AuditBufferFullError since open. */
  dropped: number;
  /** Refused events not yet accounted for by an `audit.gap` record. */
  pendingGap: number;
  lastError: { code: string; message: string; at: string } | null;
  nextSeq: number;
  durableSeq: number;
  segment: string | null;
}

export interface EmitResult {
  seq: number;
  id: string;
  hash: string;
}

export const DEFAULTS = {
  maxEvents: 1024,
  maxDelayMs: 50,
  maxQueueEvents: 65536,
  maxQueueBytes: 64 * 1024 * 1024,
  rotateBytes: 64 * 1024 * 1024,
  maxRecordBytes: 64 * 1024,
  /**
   * One write takes everything queued up to these caps (group commit): maxEvents only decides
   * when a write starts, so while one write+fsync is in flight the next batch grows.
   */
  writeRecords: 16384,
  writeBytes: 4 * 1024 * 1024,
} as const;

interface QueuedRecord {
  seq: number;
  line: string;
  bytes: number;
  day: string;
}

interface Segment {
  name: string;
  fd: number;
  firstSeq: number;
  day: string;
  /** Bytes confirmed written; the file is truncated back to this after a failed write. */
  size: number;
  sha: Hash;
  /** A failed write may have left bytes past `size` that must be cut before the next write. */
  dirty: boolean;
}

interface InFlight {
  seg: Segment;
  offset: number;
  buf: Buffer;
  records: QueuedRecord[];
  lastSeq: number;
}

const MASKED_KEYS = ['token', 'secret', 'password', 'authorization', 'apiKey', 'api_key', 'key', 'cookie'];

function positiveInt(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v <= 0) throw new InvalidArgumentError(name, 'must be a positive integer');
  return v;
}

function errInfo(err: unknown): { code: string; message: string } {
  const e = err as NodeJS.ErrnoException;
  return { code: e?.code ?? 'E_AUDIT_IO', message: e?.message ?? String(err) };
}

export class AuditLogger {
  readonly dir: string;
  readonly service: string;
  private readonly mode: FlushOptions['mode'];
  private readonly maxEvents: number;
  private readonly maxDelayMs: number;
  private readonly maxQueueEvents: number;
  private readonly maxQueueBytes: number;
  private readonly rotateBytes: number;
  private readonly layer: FileLayer;
  private readonly clock: () => number;
  private readonly log: Logger<ILogObj>;
  private readonly backoff: { initial: number; max: number };
  private readonly ids = new Uuid7Generator();
  private lock: DirectoryLock | null;

  // Chain state of the next record.
  private nextSeq: number;
  private prev: string;
  private lastTsMs: number;
  private lastTsText = '';

  // Accepted records not yet handed to a write, and the one batch being written.
  private queue: QueuedRecord[] = [];
  private queueHead = 0;
  private queueBytes = 0;
  private inflight: InFlight | null = null;
  private segment: Segment | null = null;
  private durableSeq: number;
  /** Last seq whose bytes are written (durable once fsynced). */
  private writtenSeq: number;
  private recordsWritten = 0;

  private timer: NodeJS.Timeout | null = null;
  private asyncFsync = false;
  private draining = false;
  private retryDelay: number;
  private waiters: { seq: number; resolve: () => void }[] = [];

  private drops = 0;
  private totalDrops = 0;
  private firstDropTs = '';
  private lastDropTs = '';
  private lastError: AuditHealth['lastError'] = null;
  private state: AuditLoggerState = 'open';
  private closing: Promise<void> | null = null;

  private constructor(opts: AuditLoggerOptions) {
    if (typeof opts?.dir !== 'string' || opts.dir.length === 0) throw new InvalidArgumentError('dir', 'must be a directory path');
    if (typeof opts.service !== 'string' || !SERVICE_PATTERN.test(opts.service))
      throw new InvalidArgumentError('service', 'must match ^[A-Za-z0-9._:-]{1,128}$');
    const flush = opts.flush ?? { mode: 'hybrid' };
    if (!['immediate', 'batched', 'hybrid'].includes(flush.mode)) throw new InvalidArgumentError('flush.mode', 'must be immediate, batched or hybrid');
    this.dir = opts.dir;
    this.service = opts.service;
    this.mode = flush.mode;
    this.maxEvents = flush.mode === 'immediate' ? 1 : positiveInt('flush.maxEvents', flush.maxEvents, DEFAULTS.maxEvents);
    this.maxDelayMs = flush.mode === 'immediate' ? 0 : positiveInt('flush.maxDelayMs', flush.maxDelayMs, DEFAULTS.maxDelayMs);
    this.maxQueueEvents = positiveInt('maxQueueEvents', opts.maxQueueEvents, DEFAULTS.maxQueueEvents);
    this.maxQueueBytes = positiveInt('maxQueueBytes', opts.maxQueueBytes, DEFAULTS.maxQueueBytes);
    this.rotateBytes = positiveInt('rotateBytes', opts.rotateBytes, DEFAULTS.rotateBytes);
    this.layer = opts.fileLayer ?? nodeFileLayer;
    this.clock = opts.clock ?? Date.now;
    this.backoff = opts.retryBackoffMs ?? { initial: 10, max: 5000 };
    this.retryDelay = this.backoff.initial;
    this.log =
      opts.operationalLog ??
      new Logger<ILogObj>({ name: 'vram-residency.audit', minLevel: 4, maskValuesOfKeys: MASKED_KEYS, maskValuesOfKeysCaseInsensitive: true });

    if (!existsSync(this.dir)) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      chmodSync(this.dir, 0o700);
    }
    this.lock = DirectoryLock.acquire(this.dir, ({ pid }) => this.log.warn('took over a stale audit lock', { dir: this.dir, deadPid: pid }));
    try {
      const rec = recoverLog(this.dir, this.layer);
      this.nextSeq = rec.nextSeq;
      this.prev = rec.prev;
      this.lastTsMs = rec.lastTsMs;
      this.durableSeq = rec.nextSeq - 1;
      this.writtenSeq = rec.nextSeq - 1;
      if (rec.appendTo) {
        const fd = this.layer.openSync(join(this.dir, rec.appendTo.name), 'r+', 0o600);
        this.segment = { ...rec.appendTo, fd, dirty: false };
      }
      if (rec.sidecarsWritten.length > 0) this.log.warn('wrote missing sidecars after a crash during rotation', { segments: rec.sidecarsWritten });
      const resumed = rec.nextSeq > 0;
      this.appendInternal('audit.log_opened', resumed ? { format: AUDIT_FORMAT, resumed_at_seq: rec.nextSeq } : { format: AUDIT_FORMAT });
      if (rec.bytesDropped > 0) {
        this.log.warn('cut a torn last line back to the last record boundary', { segment: rec.tornSegment, bytesDropped: rec.bytesDropped });
        this.appendInternal('audit.recovered', { segment: rec.tornSegment!, bytes_dropped: rec.bytesDropped });
      }
    } catch (err) {
      this.lock.release();
      this.lock = null;
      if (this.segment) this.layer.closeSync(this.segment.fd);
      throw err;
    }
    this.schedule(false);
  }

  /** Open (or resume) the log in `dir`: takes the directory lock and recovers a torn tail. */
  static open(opts: AuditLoggerOptions): AuditLogger {
    return new AuditLogger(opts);
  }

  /**
   * Validate and append an event. Never waits on I/O, except a critical event in `immediate` or
   * `hybrid` mode, which is written and fsynced (with everything before it) before this returns.
   */
  emit(event: AuditEvent): EmitResult {
    if (this.state === 'closing' || this.state === 'closed') throw new AuditError('E_CLOSED', 'the audit logger is closed');
    const v = validateEvent(event);
    const result = this.accept(v);
    if (v.severity === 'critical' && this.mode !== 'batched') {
      this.writeThroughSync();
    } else {
      this.schedule(false);
    }
    return result;
  }

  /** Resolves when every record accepted before the call is written and fsynced. */
  flush(): Promise<void> {
    const target = this.nextSeq - 1;
    if (this.durableSeq >= target) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.waiters.push({ seq: target, resolve }));
    this.schedule(true);
    return p;
  }

  /** Flush, append `audit.log_closed`, write the open segment's sidecar and release the lock. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.drops > 0) this.appendGap();
      this.appendInternal('audit.log_closed', { records_written: this.recordsWritten + this.pendingCount() + 1 });
      this.state = 'closing';
      await this.flush();
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (this.segment) {
        this.sealSegment(this.segment);
        this.segment = null;
      }
      this.lock?.release();
      this.lock = null;
      this.state = 'closed';
    })();
    return this.closing;
  }

  health(): AuditHealth {
    return {
      state: this.state,
      queueDepth: this.pendingCount(),
      queueBytes: this.pendingBytes(),
      dropped: this.totalDrops,
      pendingGap: this.drops,
      lastError: this.lastError,
      nextSeq: this.nextSeq,
      durableSeq: this.durableSeq,
      segment: this.segment?.name ?? null,
    };
  }

  // ---- accepting records ------------------------------------------------------------------

  private pendingCount(): number {
    return this.queue.length - this.queueHead + (this.inflight?.records.length ?? 0);
  }

  private pendingBytes(): number {
    return this.queueBytes + (this.inflight?.buf.length ?? 0);
  }

  private nextTs(): { ms: number; text: string } {
    let ms = this.clock();
    // A clock that steps back repeats the previous ts (SPEC §4: non-decreasing).
    if (!(ms >= this.lastTsMs)) ms = this.lastTsMs;
    if (ms !== this.lastTsMs || this.lastTsText === '') {
      this.lastTsMs = ms;
      this.lastTsText = formatTs(ms);
    }
    return { ms, text: this.lastTsText };
  }

  private build(v: ValidatedEvent, seq: number, prev: string): QueuedRecord & { id: string; hash: string } {
    const ts = this.nextTs();
    const id = this.ids.next(ts.ms);
    const { line, hash } = buildRecordLine({ seq, id, ts: ts.text, service: this.service, type: v.type, severity: v.severity, data: v.data, prev });
    const bytes = Buffer.byteLength(line);
    if (bytes > DEFAULTS.maxRecordBytes) throw new InvalidAuditEventError('data', `the record would be ${bytes} bytes; the limit is ${DEFAULTS.maxRecordBytes}`);
    return { seq, line, bytes, day: ts.text.slice(0, 10), id, hash };
  }

  private push(r: QueuedRecord & { hash: string }): void {
    this.queue.push({ seq: r.seq, line: r.line, bytes: r.bytes, day: r.day });
    this.queueBytes += r.bytes;
    this.nextSeq = r.seq + 1;
    this.prev = r.hash;
  }

  private gapEvent(): ValidatedEvent {
    return { type: 'audit.gap', severity: 'warning', data: { count: this.drops, first_dropped_at: this.firstDropTs, last_dropped_at: this.lastDropTs } };
  }

  private appendGap(): void {
    const gap = this.build(this.gapEvent(), this.nextSeq, this.prev);
    this.push(gap);
    this.drops = 0;
  }

  /** Records of the logger itself bypass the queue bounds: they are few and must not be lost. */
  private appendInternal(type: string, data: Record<string, unknown>): void {
    const v = validateEvent({ type, data }, true);
    this.push(this.build(v, this.nextSeq, this.prev));
  }

  private accept(v: ValidatedEvent): EmitResult {
    const withGap = this.drops > 0;
    const gap = withGap ? this.build(this.gapEvent(), this.nextSeq, this.prev) : null;
    const rec = gap ? this.build(v, gap.seq + 1, gap.hash) : this.build(v, this.nextSeq, this.prev);
    const events = this.pendingCount() + (gap ? 2 : 1);
    const bytes = this.pendingBytes() + rec.bytes + (gap?.bytes ?? 0);
    if (events > this.maxQueueEvents || bytes > this.maxQueueBytes) {
      const now = this.nextTs().text;
      if (this.drops === 0) this.firstDropTs = now;
      this.lastDropTs = now;
      this.drops++;
      this.totalDrops++;
      if (this.totalDrops === 1 || this.totalDrops % 1000 === 0) this.log.error('audit queue full: events are being refused', { dropped: this.totalDrops });
      throw new AuditBufferFullError(
        `the audit queue is full (${this.pendingCount()} records, ${this.pendingBytes()} bytes pending); the event was not logged and will be counted in an audit.gap record`,
      );
    }
    if (gap) {
      this.push(gap);
      this.drops = 0;
    }
    this.push(rec);
    return { seq: rec.seq, id: rec.id, hash: rec.hash };
  }

  // ---- scheduling -------------------------------------------------------------------------

  private schedule(now: boolean): void {
    if (this.draining) return;
    if (this.queue.length === this.queueHead) {
      if (this.durableSeq >= this.writtenSeq) return;
      now = true; // only an fsync is owed
    }
    const due = now || this.mode === 'immediate' || this.queue.length - this.queueHead >= this.maxEvents || this.state === 'closing';
    if (due) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.draining = true;
      setImmediate(() => void this.drain());
    } else if (!this.timer) {
      // Deliberately ref'd: a process that ends naturally waits for its last batch instead of losing it.
      this.timer = setTimeout(() => {
        this.timer = null;
        this.schedule(true);
      }, this.maxDelayMs);
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > this.queueHead || this.durableSeq < this.writtenSeq) {
        const ok = this.queue.length > this.queueHead ? await this.writeBatch() : await this.syncWritten();
        if (!ok) {
          await new Promise((r) => setTimeout(r, this.retryDelay));
          this.retryDelay = Math.min(this.retryDelay * 2, this.backoff.max);
        }
      }
    } finally {
      this.draining = false;
    }
    this.schedule(false);
  }

  /** The segment the record at the head of the queue belongs in, rotating when it is full or a UTC day has passed. */
  private segmentFor(rec: QueuedRecord, mayRotate: boolean): Segment {
    let seg = this.segment;
    if (seg && mayRotate && seg.size > 0 && (seg.size + rec.bytes > this.rotateBytes || rec.day !== seg.day)) {
      this.sealSegment(seg);
      this.segment = seg = null;
    }
    if (!seg) {
      const name = segmentName(rec.seq);
      const fd = this.layer.openSync(join(this.dir, name), 'wx', 0o600);
      try {
        this.layer.fsyncDirSync(this.dir);
      } catch (err) {
        this.layer.closeSync(fd);
        throw err;
      }
      seg = this.segment = { name, fd, firstSeq: rec.seq, day: rec.day, size: 0, sha: createHash('sha256'), dirty: false };
    }
    return seg;
  }

  /** fsync, sidecar, close. Synchronous: runs once per rotateBytes of log, and at close. */
  private sealSegment(seg: Segment): void {
    this.layer.fsyncSync(seg.fd);
    const digest = seg.sha.copy().digest('hex');
    const tmp = join(this.dir, sidecarName(seg.name) + '.tmp');
    this.layer.writeFileSync(tmp, sidecarText(seg.name, digest), 0o600);
    this.layer.renameSync(tmp, join(this.dir, sidecarName(seg.name)));
    this.layer.closeSync(seg.fd);
    this.layer.fsyncDirSync(this.dir);
  }

  /** Take records from the queue for one write: same segment, no rotation boundary crossed. */
  private takeBatch(seg: Segment, limit: number, respectRotation: boolean, byteLimit = Infinity): QueuedRecord[] {
    const out: QueuedRecord[] = [];
    let size = seg.size;
    while (this.queueHead < this.queue.length && out.length < limit) {
      const r = this.queue[this.queueHead]!;
      if (out.length > 0 && size - seg.size + r.bytes > byteLimit) break;
      if (respectRotation && size > 0 && (size + r.bytes > this.rotateBytes || r.day !== seg.day)) break;
      out.push(r);
      size += r.bytes;
      this.queueBytes -= r.bytes;
      this.queueHead++;
    }
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return out;
  }

  private requeue(records: QueuedRecord[]): void {
    this.queue = records.concat(this.queue.slice(this.queueHead));
    this.queueHead = 0;
    for (const r of records) this.queueBytes += r.bytes;
  }

  /** Count bytes [offset, offset+buf.length) as written, hashing only what is new. */
  private commitWritten(seg: Segment, offset: number, buf: Buffer, lastSeq: number, records: number): void {
    const end = offset + buf.length;
    if (end <= seg.size) return;
    seg.sha.update(buf.subarray(seg.size - offset));
    seg.size = end;
    this.recordsWritten += records;
    if (lastSeq > this.writtenSeq) this.writtenSeq = lastSeq;
  }

  /** fsync of records already written (after an fsync failure). */
  private async syncWritten(): Promise<boolean> {
    const covered = this.writtenSeq;
    this.asyncFsync = true;
    try {
      if (this.segment) await this.layer.fsync(this.segment.fd);
      this.markDurable(covered);
      this.noteSuccess();
      return true;
    } catch (err) {
      this.noteError(err, 'fsync');
      return false;
    } finally {
      this.asyncFsync = false;
    }
  }

  /** True while an asynchronous operation uses the current segment's fd: no rotation (it closes the fd). */
  private asyncBusy(): boolean {
    return this.inflight !== null || this.asyncFsync;
  }

  private markDurable(seq: number): void {
    if (seq <= this.durableSeq) return;
    this.durableSeq = seq;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (w.seq <= seq ? w.resolve() : still.push(w));
    this.waiters = still;
  }

  private noteError(err: unknown, what: string): void {
    const info = errInfo(err);
    this.lastError = { ...info, at: new Date().toISOString() };
    if (this.state === 'open') this.state = 'retrying';
    this.log.error(`audit ${what} failed; retrying with backoff`, { code: info.code, message: info.message, dir: this.dir });
  }

  private noteSuccess(): void {
    if (this.state === 'retrying') {
      this.state = 'open';
      this.log.info('audit writes recovered', { dir: this.dir });
    }
    this.retryDelay = this.backoff.initial;
  }

  /** Cut a failed write back to the last good length, so no partial line stays in the file. */
  private truncateBack(seg: Segment): void {
    try {
      this.layer.ftruncateSync(seg.fd, seg.size);
      seg.dirty = false;
    } catch (err) {
      seg.dirty = true;
      this.log.error('could not truncate a failed write back yet; will retry before the next write', errInfo(err));
    }
  }

  /** One asynchronous write + fsync. Returns false when it failed and should be retried later. */
  private async writeBatch(): Promise<boolean> {
    let seg: Segment;
    let records: QueuedRecord[];
    try {
      if (this.segment?.dirty) {
        this.layer.ftruncateSync(this.segment.fd, this.segment.size);
        this.segment.dirty = false;
      }
      seg = this.segmentFor(this.queue[this.queueHead]!, true);
      records = this.takeBatch(seg, DEFAULTS.writeRecords, true, DEFAULTS.writeBytes);
    } catch (err) {
      this.noteError(err, 'rotation');
      return false;
    }
    let text = '';
    for (const r of records) text += r.line;
    const buf = Buffer.from(text, 'utf8');
    const offset = seg.size;
    const lastSeq = records[records.length - 1]!.seq;
    const flight: InFlight = { seg, offset, buf, records, lastSeq };
    this.inflight = flight;
    try {
      let done = 0;
      while (done < buf.length) done += await this.layer.write(seg.fd, buf, done, buf.length - done, offset + done);
      this.commitWritten(seg, offset, buf, lastSeq, records.length);
      if (seg.dirty) this.truncateBack(seg); // a failed critical write beyond us
      const covered = this.writtenSeq;
      await this.layer.fsync(seg.fd);
      this.inflight = null;
      this.markDurable(covered);
      this.noteSuccess();
      return true;
    } catch (err) {
      this.inflight = null;
      if (seg.size >= offset + buf.length && this.durableSeq >= lastSeq) return true; // the sync path wrote and synced it meanwhile
      // Not written: cut any partial bytes and retry the records. Written but not synced: the
      // drain loop retries the fsync.
      if (seg.size < offset + buf.length) {
        this.truncateBack(seg);
        this.requeue(records);
      }
      this.noteError(err, 'write');
      return false;
    }
  }

  /**
   * The critical path: write every accepted record and fsync before returning. A batch that is
   * in flight is written again at its own offset with the same bytes, so whichever write lands
   * last the file is the same; while one is in flight there is no rotation (the segment may run
   * a little past rotateBytes). Otherwise segments rotate as in the background path.
   */
  private writeThroughSync(): void {
    try {
      if (!this.inflight && this.segment?.dirty) {
        this.layer.ftruncateSync(this.segment.fd, this.segment.size);
        this.segment.dirty = false;
      }
      const flight = this.inflight && this.inflight.seg.size < this.inflight.offset + this.inflight.buf.length ? this.inflight : null;
      let first = true;
      let lastSeg: Segment | null = null;
      let lastSeq = -1;
      while (this.queueHead < this.queue.length || (first && flight)) {
        const seg = first && flight ? flight.seg : this.segmentFor(this.queue[this.queueHead]!, !this.asyncBusy());
        const records = this.takeBatch(seg, Number.MAX_SAFE_INTEGER, !this.asyncBusy());
        this.writeChunkSync(seg, first ? flight : null, records);
        lastSeg = seg;
        lastSeq = records.length > 0 ? records[records.length - 1]!.seq : flight!.lastSeq;
        first = false;
      }
      if (lastSeg) this.layer.fsyncSync(lastSeg.fd);
      this.markDurable(Math.max(lastSeq, this.writtenSeq));
      this.noteSuccess();
    } catch (err) {
      this.noteError(err, 'critical write');
      this.schedule(true);
      throw new AuditIoError(`the critical audit record could not be made durable: ${errInfo(err).message}; it stays queued and is retried`, err);
    }
  }

  private writeChunkSync(seg: Segment, flight: InFlight | null, records: QueuedRecord[]): void {
    let text = '';
    for (const r of records) text += r.line;
    const tail = Buffer.from(text, 'utf8');
    const buf = flight ? Buffer.concat([flight.buf, tail]) : tail;
    const offset = flight ? flight.offset : seg.size;
    try {
      let done = 0;
      while (done < buf.length) done += this.layer.writeSync(seg.fd, buf, done, buf.length - done, offset + done);
    } catch (err) {
      // With an asynchronous write in flight its bytes may land after a truncate here, so the
      // cut is left to that write's completion (it truncates to the then-known good length).
      if (this.inflight) seg.dirty = true;
      else this.truncateBack(seg);
      this.requeue(records);
      throw err;
    }
    const lastSeq = records.length > 0 ? records[records.length - 1]!.seq : flight!.lastSeq;
    this.commitWritten(seg, offset, buf, lastSeq, records.length + (flight?.records.length ?? 0));
  }
}
