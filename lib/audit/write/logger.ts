// AuditLogger: synchronous emit into a bounded queue, background group-commit writes, and a
// synchronous write+fsync path for critical events. See docs/audit.md for the durability model.
// The queue (record-queue.ts), segment writer and write loop do the work, epoch-seal-schedule.ts
// times seals and checkpoints; this file holds the public API, the options and when writes start.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { AuditError, AuditIoError, InvalidArgumentError } from '../../errors.js';
import { AUDIT_FORMAT, type AuditEvent } from '../format/events.js';
import { nodeFileLayer, type FileLayer } from './file-layer.js';
import { DirectoryLock } from './lock.js';
import { FlushWaiters } from './flush-waiters.js';
import { defaultOperationalLog, type OperationalLogger } from './operational-log.js';
import { recoverLog } from './recover.js';
import { type EmitResult, MAX_RECORD_BYTES, RecordQueue } from './record-queue.js';

export type { EmitResult } from './record-queue.js';
import { SegmentWriter, WRITE_CAPS, errInfo } from './segment-writer.js';
import type { CheckpointOptions } from './checkpoint-writer.js';
import type { SealingOptions } from './epoch-sealer.js';
import { SealingSchedule } from './epoch-seal-schedule.js';
import { SERVICE_PATTERN, validateEvent } from '../format/validate.js';
import { WriteLoop } from './write-loop.js';
import { TreeFile } from './tree-file.js';
import { assertPattern, duration, positiveInteger } from '../../formats/args.js';
import { retryBackoff } from './retry-backoff.js';

/**
 * When records reach the disk. `immediate`: every emit is written and fsynced before it returns.
 * `batched`: a background group commit after `maxEvents` records or `maxDelayMs`, whichever first.
 * `hybrid` (the default, 1024 events / 50 ms): batched, but a critical event is written and fsynced,
 * with everything before it, before its emit returns.
 */
export type FlushOptions =
  | { mode: 'immediate' }
  | { mode: 'batched' | 'hybrid'; maxEvents?: number; maxDelayMs?: number };

export interface AuditLoggerOptions {
  /** The log directory: created 0700 when missing; its files are 0600. One writer at a time (a lock file). */
  dir: string;
  /** The `service` of every record: `^[A-Za-z0-9._:-]{1,128}$`. */
  service: string;
  /** Default `{ mode: 'hybrid', maxEvents: 1024, maxDelayMs: 50 }`. */
  flush?: FlushOptions;
  /** Bounds of the in-memory queue (default 65536 events, 64 MiB): past them emit throws E_AUDIT_BUFFER_FULL. */
  maxQueueEvents?: number;
  maxQueueBytes?: number;
  /** A new segment after this many bytes (default 64 MiB), and at UTC midnight. */
  rotateBytes?: number;
  /** Tests: the file operations, to inject disk-full and I/O errors (default: node:fs). */
  fileLayer?: FileLayer;
  /** Milliseconds since the epoch; injectable for tests of clock steps and midnight rotation. */
  clock?: () => number;
  /**
   * Where the logger's own operational messages go (never audit content): the application's
   * logger (`console`, pino, tslog, winston…). Default: warnings and errors on stderr.
   */
  operationalLog?: OperationalLogger;
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

/**
 * The tamper-evident audit log of SPEC §4: hash-chained JSONL records in rotating segments, one
 * writer per directory (a lock file), crash-safe (a torn tail is cut on open), optionally sealed per
 * epoch and checkpointed (SPEC §6). `emit` is synchronous; durability follows the flush mode.
 * Open one with {@link AuditLogger.open}; verify a copy offline with {@link verifyAuditLog}.
 */
export class AuditLogger {
  readonly dir: string;
  readonly service: string;
  readonly #mode: FlushOptions['mode'];
  readonly #maxEvents: number;
  readonly #maxDelayMs: number;
  readonly #log: OperationalLogger;
  readonly #queue: RecordQueue;
  readonly #writer: SegmentWriter;
  readonly #loop: WriteLoop;
  #lock: DirectoryLock | null;

  #timer: NodeJS.Timeout | null = null;
  readonly #waiters: FlushWaiters;
  #lastError: AuditHealth['lastError'] = null;
  #state: AuditLoggerState = 'open';
  #closing: Promise<void> | null = null;
  readonly #clock: () => number;
  readonly #sealing: SealingSchedule;
  #tree: TreeFile | null = null;

  private constructor(opts: AuditLoggerOptions) {
    if (typeof opts?.dir !== 'string' || opts.dir.length === 0)
      throw new InvalidArgumentError('dir', 'must be a directory path');
    assertPattern(opts.service, 'service', SERVICE_PATTERN);
    const flush = opts.flush ?? { mode: 'hybrid' };
    if (!['immediate', 'batched', 'hybrid'].includes(flush.mode))
      throw new InvalidArgumentError('flush.mode', 'must be immediate, batched or hybrid');
    this.dir = opts.dir;
    this.service = opts.service;
    this.#waiters = new FlushWaiters(this.dir, () => this.#queue.pending().count);
    this.#mode = flush.mode;
    this.#maxEvents =
      flush.mode === 'immediate' ? 1 : positiveInteger(flush.maxEvents, 'flush.maxEvents', DEFAULTS.maxEvents);
    this.#maxDelayMs =
      flush.mode === 'immediate' ? 0 : duration(flush.maxDelayMs, 'flush.maxDelayMs', 'ms', DEFAULTS.maxDelayMs);
    const backoff = retryBackoff(opts.retryBackoffMs);
    const maxQueueEvents = positiveInteger(opts.maxQueueEvents, 'maxQueueEvents', DEFAULTS.maxQueueEvents);
    const maxQueueBytes = positiveInteger(opts.maxQueueBytes, 'maxQueueBytes', DEFAULTS.maxQueueBytes);
    const rotateBytes = positiveInteger(opts.rotateBytes, 'rotateBytes', DEFAULTS.rotateBytes);
    const layer = opts.fileLayer ?? nodeFileLayer;
    this.#clock = opts.clock ?? Date.now;
    this.#log = opts.operationalLog ?? defaultOperationalLog();
    const log = this.#log;

    if (!existsSync(this.dir)) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      chmodSync(this.dir, 0o700);
    }
    this.#lock = DirectoryLock.acquire(this.dir, ({ pid }) =>
      log.warn('took over a stale audit lock', { dir: this.dir, deadPid: pid }),
    );
    let writer: SegmentWriter | undefined;
    let sealing: SealingSchedule | undefined;
    try {
      const rec = recoverLog(this.dir, layer);
      if (rec.service !== null && rec.service !== this.service)
        throw new InvalidArgumentError(
          'service',
          `"${this.service}", but the log in ${this.dir} belongs to service "${rec.service}": one service per log directory (use another directory, or the service "${rec.service}")`,
        );
      // SPEC §8 tree (catches up what a crash lost). Plain node:fs: a cache of the segments, its own
      // failures are logged, never injected into the segment writes a fileLayer tests.
      this.#tree = TreeFile.openForWriter(this.dir, nodeFileLayer, rec.nextSeq);
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
        tree: this.#tree,
      });
      this.#queue = queue;
      this.#writer = writer;
      this.#loop = new WriteLoop({
        queue,
        writer,
        backoff,
        closed: () => this.#state === 'closed',
        ended: () => this.#schedule(false),
      });
      if (rec.sidecarsWritten.length > 0)
        log.warn('wrote missing sidecars after a crash during rotation', { segments: rec.sidecarsWritten });
      const resumed = rec.nextSeq > 0;
      this.#sealing = sealing = new SealingSchedule(opts, {
        layer,
        clock: this.#clock,
        log,
        queue,
        writer,
        resumed,
        writeFailed: (err, what) => {
          this.#noteError(err, what);
          this.#schedule(true);
        },
        flush: () => this.flush(),
        stopping: () => this.#stopping(),
        tree: this.#tree,
      });
      sealing.sealMissedEpochs(); // before anything else is written (SPEC §6)
      queue.appendInternal(
        'audit.log_opened',
        resumed ? { format: AUDIT_FORMAT, resumed_at_seq: rec.nextSeq } : { format: AUDIT_FORMAT },
      );
      if (rec.bytesDropped > 0) {
        log.warn('cut a torn last line back to the last record boundary', {
          segment: rec.tornSegment,
          bytesDropped: rec.bytesDropped,
        });
        queue.appendInternal('audit.recovered', { segment: rec.tornSegment!, bytes_dropped: rec.bytesDropped });
      }
    } catch (err) {
      this.#lock.release();
      this.#lock = null;
      sealing?.abandon();
      writer?.abandon();
      this.#tree?.close();
      throw err;
    }
    this.#schedule(false);
    this.#sealing.start();
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
    if (this.#stopping()) throw new AuditError('E_CLOSED', 'the audit logger is closed');
    const v = validateEvent(event);
    this.#sealing.sealIfEpochEnded();
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
    const p = this.#waiters.wait(target);
    this.#schedule(true);
    this.#loop.wake();
    return p;
  }

  /** Flush, append `audit.log_closed`, write the open segment's sidecar and release the lock. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      this.#sealing.sealIfEpochEnded();
      this.#queue.appendOwedGap();
      this.#queue.appendInternal('audit.log_closed', {
        records_written: this.#writer.recordsWritten + this.#queue.pending().count + 1,
      });
      this.#state = 'closing';
      this.#sealing.stopTimers();
      const head = { size: this.#queue.nextSeq, hash: this.#queue.prev };
      let failure: unknown = null;
      await this.flush().catch((err: unknown) => (failure = err));
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#state = 'closed';
      this.#loop.wake();
      await this.#loop.finished;
      await this.#sealing.close(head); // checkpoints the head only if it is durable
      try {
        this.#writer.close();
      } catch (err) {
        failure ??= err;
      }
      this.#tree?.close();
      this.#lock?.release();
      this.#lock = null;
      if (failure) {
        const lost = this.#queue.pending().count;
        this.#log.error('audit log closed with records not written', { records: lost, dir: this.dir });
        throw new AuditIoError(
          `the audit log in ${this.dir} closed, but ${lost} records were not written: ${errInfo(failure).message}`,
          failure,
        );
      }
    })();
    return this.#closing;
  }

  /** Queue depth, drops, the last write error and the durable head: cheap, for health checks. */
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

  // ---- scheduling -------------------------------------------------------------------------

  #schedule(now: boolean): void {
    if (this.#loop.running) return;
    if (this.#queue.length === 0) {
      if (!this.#writer.owesFsync) return;
      now = true; // only an fsync is owed
    }
    const due = now || this.#mode === 'immediate' || this.#queue.length >= this.#maxEvents || this.#state === 'closing';
    if (due) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#loop.start();
    } else if (!this.#timer) {
      // Deliberately ref'd: a process that ends naturally waits for its last batch instead of losing it.
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#schedule(true);
      }, this.#maxDelayMs);
    }
  }

  #stopping(): boolean {
    return this.#state === 'closing' || this.#state === 'closed';
  }

  /** The critical path: everything accepted is written and fsynced before emit() returns. */
  #writeThroughSync(): void {
    try {
      this.#writer.writeThroughSync();
    } catch (err) {
      this.#noteError(err, 'critical write');
      this.#schedule(true);
      throw new AuditIoError(
        `the critical audit record could not be made durable: ${errInfo(err).message}; it stays queued and is retried`,
        err,
      );
    }
  }

  /** Records up to `seq` are durable: flush() callers waiting for them return, the sealing state moves on. */
  #durable(seq: number): void {
    this.#waiters.resolveUpTo(seq);
    this.#sealing.durable(seq);
  }

  #noteError(err: unknown, what: string): void {
    const info = errInfo(err);
    this.#lastError = { ...info, at: new Date().toISOString() };
    if (this.#state === 'open') this.#state = 'retrying';
    this.#waiters.writeFailed();
    this.#log.error(`audit ${what} failed; retrying with backoff`, {
      code: info.code,
      message: info.message,
      dir: this.dir,
    });
  }

  #noteSuccess(): void {
    this.#waiters.writeSucceeded();
    if (this.#state === 'retrying') {
      this.#state = 'open';
      this.#log.info('audit writes recovered', { dir: this.dir });
    }
    this.#loop.resetBackoff();
  }
}
