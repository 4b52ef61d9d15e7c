// AuditLogger: synchronous emit into a bounded queue, background group-commit writes, and a
// synchronous write+fsync path for critical events. See docs/audit.md for the durability model.
// The record queue (record-queue.ts) and the segment writer (segment-writer.ts) do the work;
// this file holds the public API, the options and the scheduling of writes and retries.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { formatWithOptions } from 'node:util';
import { Logger, type ILogObj, type ISettings } from 'tslog';
import { AuditError, AuditIoError, InvalidArgumentError } from '../errors.js';
import { AUDIT_FORMAT, type AuditEvent } from './events.js';
import { nodeFileLayer, type FileLayer } from './file-layer.js';
import { DirectoryLock } from './lock.js';
import { recoverLog } from './recover.js';
import { type EmitResult, MAX_RECORD_BYTES, RecordQueue } from './record-queue.js';

export type { EmitResult } from './record-queue.js';
import { SegmentWriter, WRITE_CAPS, errInfo } from './segment-writer.js';
import { CheckpointWriter, type CheckpointOptions } from './sealing/checkpoint-writer.js';
import { EpochSealer, type SealingOptions } from './sealing/epoch-sealer.js';
import { SERVICE_PATTERN, validateEvent } from './validate.js';
import { assertPattern, positiveInteger } from '../formats/args.js';

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
  /** SPEC §6 epoch sealing (forward integrity); see docs/audit.md. */
  sealing?: SealingOptions;
  /** SPEC §6 signed checkpoints of the log head in DIR/checkpoints/. */
  checkpoints?: CheckpointOptions;
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


export const DEFAULTS = {
  maxEvents: 1024,
  maxDelayMs: 50,
  maxQueueEvents: 65536,
  maxQueueBytes: 64 * 1024 * 1024,
  rotateBytes: 64 * 1024 * 1024,
  maxRecordBytes: MAX_RECORD_BYTES,
  /**
   * One write takes everything queued up to these caps (group commit): maxEvents only decides
   * when a write starts, so while one write+fsync is in flight the next batch grows.
   */
  writeRecords: WRITE_CAPS.records,
  writeBytes: WRITE_CAPS.bytes,
} as const;

type Waiter = { seq: number; resolve: () => void; reject: (err: Error) => void };

const MASKED_KEYS = ['token', 'secret', 'password', 'authorization', 'apiKey', 'api_key', 'key', 'cookie'];

export class AuditLogger {
  readonly dir: string;
  readonly service: string;
  readonly #mode: FlushOptions['mode'];
  readonly #maxEvents: number;
  readonly #maxDelayMs: number;
  readonly #log: Logger<ILogObj>;
  readonly #backoff: { initial: number; max: number };
  readonly #queue: RecordQueue;
  readonly #writer: SegmentWriter;
  #lock: DirectoryLock | null;

  #timer: NodeJS.Timeout | null = null;
  #draining = false;
  #retryDelay: number;
  #waiters: Waiter[] = [];
  #lastError: AuditHealth['lastError'] = null;
  #state: AuditLoggerState = 'open';
  #closing: Promise<void> | null = null;
  readonly #clock: () => number;
  #sealer: EpochSealer | null = null;
  #epochTimer: NodeJS.Timeout | null = null;
  #checkpointer: CheckpointWriter | null = null;
  #checkpointTimer: NodeJS.Timeout | null = null;
  /** The last write failed because the log directory no longer exists. */
  #dirGone = false;
  /** The running drain loop (close waits for it) and the wake-up of its backoff sleep. */
  #drained: Promise<void> = Promise.resolve();
  #wake: (() => void) | null = null;

  private constructor(opts: AuditLoggerOptions) {
    if (typeof opts?.dir !== 'string' || opts.dir.length === 0) throw new InvalidArgumentError('dir', 'must be a directory path');
    assertPattern(opts.service, 'service', SERVICE_PATTERN);
    const flush = opts.flush ?? { mode: 'hybrid' };
    if (!['immediate', 'batched', 'hybrid'].includes(flush.mode)) throw new InvalidArgumentError('flush.mode', 'must be immediate, batched or hybrid');
    this.dir = opts.dir;
    this.service = opts.service;
    this.#mode = flush.mode;
    this.#maxEvents = flush.mode === 'immediate' ? 1 : positiveInteger(flush.maxEvents, 'flush.maxEvents', DEFAULTS.maxEvents);
    this.#maxDelayMs = flush.mode === 'immediate' ? 0 : positiveInteger(flush.maxDelayMs, 'flush.maxDelayMs', DEFAULTS.maxDelayMs);
    const maxQueueEvents = positiveInteger(opts.maxQueueEvents, 'maxQueueEvents', DEFAULTS.maxQueueEvents);
    const maxQueueBytes = positiveInteger(opts.maxQueueBytes, 'maxQueueBytes', DEFAULTS.maxQueueBytes);
    const rotateBytes = positiveInteger(opts.rotateBytes, 'rotateBytes', DEFAULTS.rotateBytes);
    const layer = opts.fileLayer ?? nodeFileLayer;
    this.#backoff = opts.retryBackoffMs ?? { initial: 10, max: 5000 };
    this.#clock = opts.clock ?? Date.now;
    this.#retryDelay = this.#backoff.initial;
    const log = (this.#log =
      opts.operationalLog ??
      new Logger<ILogObj>({
        name: 'vram-residency.audit',
        minLevel: 4,
        maskValuesOfKeys: MASKED_KEYS,
        maskValuesOfKeysCaseInsensitive: true,
        stylePrettyLogs: process.stderr.isTTY === true && !process.env.NO_COLOR,
        // stderr, never stdout: stdout belongs to the program (a CLI's one --json document).
        overwrite: { transportFormatted: toStderr },
      }));

    if (!existsSync(this.dir)) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      chmodSync(this.dir, 0o700);
    }
    this.#lock = DirectoryLock.acquire(this.dir, ({ pid }) => log.warn('took over a stale audit lock', { dir: this.dir, deadPid: pid }));
    let writer: SegmentWriter | undefined;
    try {
      const rec = recoverLog(this.dir, layer);
      const queue = new RecordQueue({
        service: this.service,
        clock: this.#clock,
        maxQueueEvents,
        maxQueueBytes,
        log,
        inWrite: () => this.#writer.inWrite(),
        nextSeq: rec.nextSeq,
        prev: rec.prev,
        lastTsMs: rec.lastTsMs,
      });
      writer = new SegmentWriter({
        dir: this.dir,
        layer,
        rotateBytes,
        log,
        queue,
        durableSeq: rec.nextSeq - 1,
        appendTo: rec.appendTo,
        onDurable: (seq) => this.#durable(seq),
        onError: (err, what) => this.#noteError(err, what),
        onSuccess: () => this.#noteSuccess(),
      });
      this.#queue = queue;
      this.#writer = writer;
      if (rec.sidecarsWritten.length > 0) log.warn('wrote missing sidecars after a crash during rotation', { segments: rec.sidecarsWritten });
      if (opts.checkpoints) this.#checkpointer = CheckpointWriter.open(this.dir, this.service, opts.checkpoints, layer);
      if (opts.sealing) {
        this.#sealer = EpochSealer.open(this.dir, this.service, opts.sealing, layer, rec.nextSeq > 0, this.#clock());
        this.#sealEndedEpochs(); // missed epochs first, before anything else is written (SPEC §6)
      }
      const resumed = rec.nextSeq > 0;
      queue.appendInternal('audit.log_opened', resumed ? { format: AUDIT_FORMAT, resumed_at_seq: rec.nextSeq } : { format: AUDIT_FORMAT });
      if (rec.bytesDropped > 0) {
        log.warn('cut a torn last line back to the last record boundary', { segment: rec.tornSegment, bytesDropped: rec.bytesDropped });
        queue.appendInternal('audit.recovered', { segment: rec.tornSegment!, bytes_dropped: rec.bytesDropped });
      }
    } catch (err) {
      this.#lock.release();
      this.#lock = null;
      this.#sealer?.close();
      writer?.abandon();
      throw err;
    }
    this.#schedule(false);
    this.#scheduleEpochTimer();
    if (this.#checkpointer) {
      this.#checkpointTimer = setInterval(() => void this.#writeCheckpoint(), this.#checkpointer.everySeconds * 1000);
      this.#checkpointTimer.unref();
    }
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
    if (this.#state === 'closing' || this.#state === 'closed') throw new AuditError('E_CLOSED', 'the audit logger is closed');
    const v = validateEvent(event);
    if (this.#sealer && this.#clock() >= this.#sealer.boundary) this.#sealEndedEpochs();
    const result = this.#queue.accept(v);
    if (v.severity === 'critical' && this.#mode !== 'batched') {
      this.#writeThroughSync();
    } else {
      this.#schedule(false);
    }
    return result;
  }

  /**
   * Resolves when every record accepted before the call is written and fsynced. Waits while the
   * disk is full; rejects with AuditIoError (records stay queued) while the log directory is gone.
   */
  flush(): Promise<void> {
    const target = this.#queue.nextSeq - 1;
    if (this.#writer.durableSeq >= target) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.#waiters.push({ seq: target, resolve, reject }));
    if (this.#dirGone && !existsSync(this.dir)) this.#rejectWaiters();
    this.#schedule(true);
    this.#wake?.();
    return p;
  }

  /** Flush, append `audit.log_closed`, write the open segment's sidecar and release the lock. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      if (this.#sealer && this.#clock() >= this.#sealer.boundary) this.#sealEndedEpochs();
      this.#queue.appendOwedGap();
      this.#queue.appendInternal('audit.log_closed', { records_written: this.#writer.recordsWritten + this.#queue.pending().count + 1 });
      this.#state = 'closing';
      if (this.#epochTimer) clearTimeout(this.#epochTimer);
      if (this.#checkpointTimer) clearInterval(this.#checkpointTimer);
      const head = { size: this.#queue.nextSeq, hash: this.#queue.prev };
      let failure: unknown = null;
      await this.flush().catch((err: unknown) => (failure = err));
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#state = 'closed';
      this.#wake?.();
      await this.#drained;
      this.#writeCheckpointOf(head.size, head.hash); // only if that head is durable
      this.#sealer?.close();
      try {
        this.#writer.close();
      } catch (err) {
        failure ??= err;
      }
      this.#lock?.release();
      this.#lock = null;
      if (failure) {
        const lost = this.#queue.pending().count;
        this.#log.error('audit log closed with records not written', { records: lost, dir: this.dir });
        throw new AuditIoError(`the audit log in ${this.dir} closed, but ${lost} records were not written: ${errInfo(failure).message}`, failure);
      }
    })();
    return this.#closing;
  }

  health(): AuditHealth {
    const pending = this.#queue.pending();
    return {
      state: this.#state,
      queueDepth: pending.count,
      queueBytes: pending.bytes,
      dropped: this.#queue.totalDrops,
      pendingGap: this.#queue.pendingGap,
      lastError: this.#lastError,
      nextSeq: this.#queue.nextSeq,
      durableSeq: this.#writer.durableSeq,
      segment: this.#writer.segmentName,
    };
  }

  // ---- SPEC §6: epoch seals and checkpoints -------------------------------------------------

  /**
   * Seal every epoch that is over, oldest first, each written through (fsync) so that the state
   * file can move on (in #durable) before the next. From the epoch timer, from emit when a record
   * would be the first of a later epoch, and on open.
   */
  #sealEndedEpochs(): void {
    const sealer = this.#sealer!;
    while (this.#clock() >= sealer.boundary) {
      this.#queue.appendInternal('audit.epoch_sealed', sealer.tag(this.#queue.prev));
      sealer.advance(this.#queue.nextSeq - 1);
      try {
        this.#writer.writeThroughSync();
      } catch (err) {
        this.#noteError(err, 'epoch seal write');
        this.#schedule(true);
        return; // the seal stays queued; the state file waits until it is durable
      }
    }
  }

  #scheduleEpochTimer(): void {
    if (!this.#sealer || this.#state === 'closing' || this.#state === 'closed') return;
    const wait = Math.min(Math.max(this.#sealer.boundary - this.#clock(), 0) + 1, 2 ** 31 - 1);
    this.#epochTimer = setTimeout(() => {
      this.#epochTimer = null;
      if (this.#state === 'closing' || this.#state === 'closed') return;
      this.#sealEndedEpochs();
      this.#scheduleEpochTimer();
    }, wait);
    this.#epochTimer.unref(); // an idle process may exit; the next open seals what it missed
  }

  #durable(seq: number): void {
    this.#resolveWaiters(seq);
    if (!this.#sealer) return;
    try {
      this.#sealer.stateDurable(seq);
    } catch (err) {
      this.#log.error('could not write the audit sealing state; retried after the next durable write', errInfo(err));
    }
  }

  async #writeCheckpoint(): Promise<void> {
    const size = this.#queue.nextSeq;
    const hash = this.#queue.prev;
    await this.flush();
    this.#writeCheckpointOf(size, hash);
  }

  /** Sign and write the head (size, hash) once it is durable. */
  #writeCheckpointOf(size: number, hash: string): void {
    if (!this.#checkpointer || this.#writer.durableSeq < size - 1) return;
    try {
      this.#checkpointer.write(size, hash);
    } catch (err) {
      this.#log.error('could not write an audit checkpoint; the next one will cover its records', errInfo(err));
    }
  }

  // ---- scheduling -------------------------------------------------------------------------

  #schedule(now: boolean): void {
    if (this.#draining) return;
    if (this.#queue.length === 0) {
      if (!this.#writer.owesFsync) return;
      now = true; // only an fsync is owed
    }
    const due = now || this.#mode === 'immediate' || this.#queue.length >= this.#maxEvents || this.#state === 'closing';
    if (due) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#draining = true;
      setImmediate(() => void this.#drain());
    } else if (!this.#timer) {
      // Deliberately ref'd: a process that ends naturally waits for its last batch instead of losing it.
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#schedule(true);
      }, this.#maxDelayMs);
    }
  }

  #drain(): Promise<void> {
    return (this.#drained = this.#drainLoop());
  }

  async #drainLoop(): Promise<void> {
    try {
      while ((this.#queue.length > 0 || this.#writer.owesFsync) && !this.#isClosed()) {
        const ok = this.#queue.length > 0 ? await this.#writer.writeBatch() : await this.#writer.syncWritten();
        if (!ok && !this.#isClosed()) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, this.#retryDelay);
            this.#wake = () => {
              clearTimeout(timer);
              r();
            };
          });
          this.#wake = null;
          this.#retryDelay = Math.min(this.#retryDelay * 2, this.#backoff.max);
        }
      }
    } finally {
      this.#draining = false;
    }
    if (!this.#isClosed()) this.#schedule(false);
  }

  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  /** The critical path: everything accepted is written and fsynced before emit() returns. */
  #writeThroughSync(): void {
    try {
      this.#writer.writeThroughSync();
    } catch (err) {
      this.#noteError(err, 'critical write');
      this.#schedule(true);
      throw new AuditIoError(`the critical audit record could not be made durable: ${errInfo(err).message}; it stays queued and is retried`, err);
    }
  }

  /** The directory is gone: nobody waits for it to come back; the records stay queued. */
  #rejectWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    const n = this.#queue.pending().count;
    for (const w of waiters) w.reject(new AuditIoError(`the audit directory ${this.dir} no longer exists; ${n} records are queued and are written if it comes back`));
  }

  #resolveWaiters(seq: number): void {
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) (w.seq <= seq ? w.resolve() : still.push(w));
    this.#waiters = still;
  }

  #noteError(err: unknown, what: string): void {
    const info = errInfo(err);
    this.#lastError = { ...info, at: new Date().toISOString() };
    if (this.#state === 'open') this.#state = 'retrying';
    this.#dirGone = !existsSync(this.dir);
    if (this.#dirGone) this.#rejectWaiters();
    this.#log.error(`audit ${what} failed; retrying with backoff`, { code: info.code, message: info.message, dir: this.dir });
  }

  #noteSuccess(): void {
    this.#dirGone = false;
    if (this.#state === 'retrying') {
      this.#state = 'open';
      this.#log.info('audit writes recovered', { dir: this.dir });
    }
    this.#retryDelay = this.#backoff.initial;
  }
}

/** tslog's own Node transport, writing to stderr instead of console.log. */
function toStderr(meta: string, args: unknown[], errors: string[], settings: ISettings<ILogObj>): void {
  const errorText = (errors.length > 0 && args.length > 0 ? '\n' : '') + errors.join('\n');
  process.stderr.write(meta + formatWithOptions({ ...settings.prettyInspectOptions, colors: settings.stylePrettyLogs }, ...args) + errorText + '\n');
}
