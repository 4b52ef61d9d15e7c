// The logger's segment writer: owns the open segment file, rotation (size or UTC day), sidecars,
// the truncate-back of failed writes, and both write paths — the background group commit
// (async write + fsync) and the synchronous write-through used for critical events.
import type { Hash } from 'node:crypto';
import type { OperationalLogger } from './operational-log.js';
import { AuditIoError } from '../../errors.js';
import type { FileLayer } from './file-layer.js';
import type { QueuedRecord, RecordQueue } from './record-queue.js';
import type { TreeFile } from './tree-file.js';
import {
  type Segment,
  createSegment,
  isLinked,
  joinLines,
  reopenSegment,
  wholeRecordPrefix,
  writeSidecarAndClose,
} from './segment-file.js';

interface InFlight {
  seg: Segment;
  offset: number;
  buf: Buffer;
  records: QueuedRecord[];
  lastSeq: number;
}

/** One background write takes everything queued up to these caps (group commit). */
export const WRITE_CAPS = { records: 16384, bytes: 4 * 1024 * 1024 } as const;

export interface SegmentWriterOptions {
  dir: string;
  layer: FileLayer;
  rotateBytes: number;
  log: OperationalLogger;
  queue: RecordQueue;
  /** Last seq already durable on disk (from recovery). */
  durableSeq: number;
  /** The recovered last segment to append to, if any. */
  appendTo: { name: string; firstSeq: number; day: string; size: number; sha: Hash } | null;
  /** Records up to `seq` are durable. */
  onDurable: (seq: number) => void;
  onError: (err: unknown, what: string) => void;
  onSuccess: () => void;
  /** The SPEC §8 tree: written records are appended; it is fsynced before a segment is closed. */
  tree?: TreeFile | null;
}

export function errInfo(err: unknown): { code: string; message: string } {
  const e = err as NodeJS.ErrnoException;
  return { code: e?.code ?? 'E_AUDIT_IO', message: e?.message ?? String(err) };
}

export class SegmentWriter {
  readonly #o: SegmentWriterOptions;
  #segment: Segment | null = null;
  #inflight: InFlight | null = null;
  #asyncFsync = false;
  #durableSeq: number;
  /** Last seq whose bytes are written (durable once fsynced). */
  #writtenSeq: number;
  #recordsWritten = 0;
  /** fds of deleted segments, closed once no asynchronous operation can still use them. */
  #retired: number[] = [];

  constructor(opts: SegmentWriterOptions) {
    this.#o = opts;
    this.#durableSeq = this.#writtenSeq = opts.durableSeq;
    if (opts.appendTo) this.#segment = reopenSegment(opts.layer, opts.dir, opts.appendTo);
  }

  get durableSeq(): number {
    return this.#durableSeq;
  }
  get recordsWritten(): number {
    return this.#recordsWritten;
  }
  get segmentName(): string | null {
    return this.#segment?.name ?? null;
  }
  /** Written bytes wait only for an fsync. */
  get owesFsync(): boolean {
    return this.#durableSeq < this.#writtenSeq;
  }
  /** Records of the batch being written (they count as pending). */
  inWrite(): { count: number; bytes: number } {
    return { count: this.#inflight?.records.length ?? 0, bytes: this.#inflight?.buf.length ?? 0 };
  }

  /** fsync, sidecar and close the open segment (at close); the fd is closed even when sealing fails. */
  close(): void {
    const seg = this.#segment;
    try {
      if (seg && !seg.lost) this.#sealSegment(seg);
    } finally {
      this.abandon();
    }
  }

  /** Closes the files without a sidecar (the logger failed to open, or the segment is gone). */
  abandon(): void {
    if (this.#segment && this.#segment.fd >= 0) this.#retired.push(this.#segment.fd);
    this.#segment = null;
    for (const fd of this.#retired.splice(0)) this.#o.layer.closeSync(fd);
  }

  /** One asynchronous write + fsync of the queue's head. Returns false when it failed and should be retried later. */
  async writeBatch(): Promise<boolean> {
    const { queue, layer } = this.#o;
    let seg: Segment;
    let records: QueuedRecord[];
    try {
      this.#dropIfDeleted();
      this.#cutDirtyTail();
      seg = this.#segmentFor(queue.peek()!, true);
      const start = seg.size;
      records = queue.take(
        WRITE_CAPS.records,
        (r, taken) => taken + r.bytes <= WRITE_CAPS.bytes && !this.#mustRotate(seg, start + taken, r),
      );
    } catch (err) {
      this.#o.onError(err, 'rotation');
      return false;
    }
    const buf = joinLines(records);
    const offset = seg.size;
    const lastSeq = records[records.length - 1]!.seq;
    this.#inflight = { seg, offset, buf, records, lastSeq };
    let done = 0;
    try {
      while (done < buf.length) done += await layer.write(seg.fd, buf, done, buf.length - done, offset + done);
      this.#commitWritten(seg, offset, buf, records);
      if (seg.dirty) this.#truncateBack(seg); // a failed critical write beyond us
      const covered = this.#writtenSeq;
      await layer.fsync(seg.fd);
      this.#inflight = null;
      this.#assertLinked(seg);
      this.#markDurable(covered);
      this.#o.onSuccess();
      return true;
    } catch (err) {
      this.#inflight = null;
      if (seg.size >= offset + buf.length && this.#durableSeq >= lastSeq) return true; // the sync path wrote and synced it meanwhile
      // Not all written (disk full): keep the whole records that landed, cut the torn rest and
      // retry those records, so a backlog drains as space returns. Written but not synced: the
      // drain loop retries the fsync.
      if (seg.size < offset + buf.length) {
        const kept = seg.size === offset && !seg.lost ? this.#keepWholeRecords(seg, offset, buf, records, done) : 0;
        this.#truncateBack(seg);
        queue.requeue(records.slice(kept));
        if (kept > 0) await this.#syncKept(seg);
      }
      this.#o.onError(err, 'write');
      return false;
    }
  }

  /** The records whose bytes all landed before a short write count as written (a record boundary). */
  #keepWholeRecords(seg: Segment, offset: number, buf: Buffer, records: QueuedRecord[], landed: number): number {
    const { count, bytes } = wholeRecordPrefix(records, landed);
    if (count > 0) this.#commitWritten(seg, offset, buf.subarray(0, bytes), records.slice(0, count));
    return count;
  }

  /** fsync of the records kept from a short write; if it fails the next write's fsync covers them. */
  async #syncKept(seg: Segment): Promise<void> {
    const covered = this.#writtenSeq;
    this.#asyncFsync = true;
    try {
      await this.#o.layer.fsync(seg.fd);
      if (this.#linked(seg)) this.#markDurable(covered);
      else this.#lose(seg);
    } catch {
      // still owed: owesFsync stays true
    } finally {
      this.#asyncFsync = false;
    }
  }

  /** fsync of records already written (after an fsync failure). */
  async syncWritten(): Promise<boolean> {
    const covered = this.#writtenSeq;
    this.#asyncFsync = true;
    try {
      const seg = this.#segment;
      if (seg) {
        await this.#o.layer.fsync(seg.fd);
        this.#assertLinked(seg);
      }
      this.#markDurable(covered);
      this.#o.onSuccess();
      return true;
    } catch (err) {
      this.#o.onError(err, 'fsync');
      return false;
    } finally {
      this.#asyncFsync = false;
    }
  }

  /**
   * The critical path: write every accepted record and fsync before returning; throws when that
   * failed (the records stay queued). A batch that is in flight is written again at its own
   * offset with the same bytes, so whichever write lands last the file is the same; while one is
   * in flight there is no rotation (the segment may run a little past rotateBytes).
   */
  writeThroughSync(): void {
    const { queue } = this.#o;
    const flight =
      this.#inflight && this.#inflight.seg.size < this.#inflight.offset + this.#inflight.buf.length
        ? this.#inflight
        : null;
    // A batch in flight into a deleted file: its records come back when that write ends.
    if (flight) this.#assertLinked(flight.seg);
    else {
      this.#dropIfDeleted();
      if (!this.#inflight) this.#cutDirtyTail();
    }
    let first = true;
    let lastSeg: Segment | null = null;
    let lastSeq = -1;
    while (queue.length > 0 || (first && flight)) {
      const mayRotate = !this.#asyncBusy();
      const seg = first && flight ? flight.seg : this.#segmentFor(queue.peek()!, mayRotate);
      const start = seg.size;
      const records = queue.take(
        Number.MAX_SAFE_INTEGER,
        (r, taken) => !(mayRotate && this.#mustRotate(seg, start + taken, r)),
      );
      this.#writeChunkSync(seg, first ? flight : null, records);
      lastSeg = seg;
      lastSeq = records.length > 0 ? records[records.length - 1]!.seq : flight!.lastSeq;
      first = false;
    }
    if (lastSeg) {
      this.#o.layer.fsyncSync(lastSeg.fd);
      this.#assertLinked(lastSeg);
    }
    this.#markDurable(Math.max(lastSeq, this.#writtenSeq));
    this.#o.onSuccess();
  }

  #writeChunkSync(seg: Segment, flight: InFlight | null, records: QueuedRecord[]): void {
    const tail = joinLines(records);
    const buf = flight ? Buffer.concat([flight.buf, tail]) : tail;
    const offset = flight ? flight.offset : seg.size;
    try {
      let done = 0;
      while (done < buf.length) done += this.#o.layer.writeSync(seg.fd, buf, done, buf.length - done, offset + done);
    } catch (err) {
      // With an asynchronous write in flight its bytes may land after a truncate here, so the
      // cut is left to that write's completion (it truncates to the then-known good length).
      if (this.#inflight) seg.dirty = true;
      else this.#truncateBack(seg);
      this.#o.queue.requeue(records);
      throw err;
    }
    this.#commitWritten(seg, offset, buf, flight ? flight.records.concat(records) : records);
  }

  /** A record starts a new segment when the current one is full or a UTC day has passed. */
  #mustRotate(seg: Segment, size: number, r: QueuedRecord): boolean {
    return size > 0 && (size + r.bytes > this.#o.rotateBytes || r.day !== seg.day);
  }

  /** The segment the record belongs in, rotating first if allowed and due. */
  #segmentFor(rec: QueuedRecord, mayRotate: boolean): Segment {
    const { dir, layer } = this.#o;
    let seg = this.#segment;
    if (seg?.lost) {
      this.#retired.push(seg.fd);
      this.#segment = seg = null;
    }
    if (!this.#asyncBusy()) for (const fd of this.#retired.splice(0)) layer.closeSync(fd);
    if (seg && mayRotate && this.#mustRotate(seg, seg.size, rec)) {
      this.#sealSegment(seg);
      this.#segment = seg = null;
    }
    if (seg) return seg;
    const created = createSegment(layer, dir, rec);
    this.#segment = created;
    return created;
  }

  /** fsync, sidecar, close. Synchronous: runs once per rotateBytes of log, and at close. */
  #sealSegment(seg: Segment): void {
    const { dir, layer } = this.#o;
    this.#syncTreeSync();
    layer.fsyncSync(seg.fd);
    this.#assertLinked(seg);
    const last = seg.unsynced[seg.unsynced.length - 1];
    if (last) this.#markDurable(last.seq);
    writeSidecarAndClose(layer, dir, seg);
  }

  /** Count bytes [offset, offset+buf.length) — exactly `records` — as written, hashing only what is new. */
  #commitWritten(seg: Segment, offset: number, buf: Buffer, records: QueuedRecord[]): void {
    const end = offset + buf.length;
    if (end <= seg.size) return;
    seg.sha.update(buf.subarray(seg.size - offset));
    seg.size = end;
    this.#recordsWritten += records.length;
    for (const r of records) seg.unsynced.push(r);
    const lastSeq = records[records.length - 1]!.seq;
    if (lastSeq > this.#writtenSeq) this.#writtenSeq = lastSeq;
    this.#o.tree?.append(records);
  }

  /**
   * The tree is fsynced only when a segment closes: the part of it that covers the open segment
   * is recomputed from the records on every open, so an fsync per batch would buy nothing (and
   * writeback can put segment bytes on disk before tree bytes whatever the order of fsyncs).
   * A failed tree fsync is logged, never fails a write.
   */
  #syncTreeSync(): void {
    try {
      this.#o.tree?.syncSync();
    } catch (err) {
      this.#o.log.warn('could not fsync the audit tree file; it is recomputed on the next open', errInfo(err));
    }
  }

  #linked(seg: Segment): boolean {
    return isLinked(this.#o.layer, seg);
  }

  /** After an fsync: bytes in a deleted file are on no disk, so they must not count as durable. */
  #assertLinked(seg: Segment): void {
    if (!this.#linked(seg)) throw this.#lose(seg);
  }

  /** Before a write: a segment deleted meanwhile is replaced, and its unsynced records go back to the queue. */
  #dropIfDeleted(): void {
    const seg = this.#segment;
    if (seg && !seg.lost && !this.#linked(seg)) this.#lose(seg);
  }

  /** The segment's file is gone: its records not yet fsynced are requeued; the file is never used again. */
  #lose(seg: Segment): AuditIoError {
    const back = seg.unsynced;
    seg.unsynced = [];
    if (!seg.lost)
      this.#o.log.error('an audit segment was deleted while open; records not yet durable are written again', {
        segment: seg.name,
        dir: this.#o.dir,
      });
    seg.lost = true;
    this.#o.queue.requeue(back);
    this.#recordsWritten -= back.length;
    this.#writtenSeq = this.#durableSeq;
    return new AuditIoError(
      `audit segment ${seg.name} in ${this.#o.dir} was deleted while open; ${back.length} records not yet durable are queued again`,
    );
  }

  /** True while an asynchronous operation uses the current segment's fd: no rotation (it closes the fd). */
  #asyncBusy(): boolean {
    return this.#inflight !== null || this.#asyncFsync;
  }

  #markDurable(seq: number): void {
    if (seq <= this.#durableSeq) return;
    this.#durableSeq = seq;
    const seg = this.#segment;
    if (seg && seg.unsynced.length > 0)
      seg.unsynced = seg.unsynced[seg.unsynced.length - 1]!.seq <= seq ? [] : seg.unsynced.filter((r) => r.seq > seq);
    this.#o.onDurable(seq);
  }

  /** Before a write: cut what an earlier failed write left past the good length (throws if it cannot). */
  #cutDirtyTail(): void {
    if (!this.#segment?.dirty || this.#segment.lost) return;
    this.#o.layer.ftruncateSync(this.#segment.fd, this.#segment.size);
    this.#segment.dirty = false;
  }

  /** Cut a failed write back to the last good length, so no partial line stays in the file. */
  #truncateBack(seg: Segment): void {
    try {
      this.#o.layer.ftruncateSync(seg.fd, seg.size);
      seg.dirty = false;
    } catch (err) {
      seg.dirty = true;
      this.#o.log.error('could not truncate a failed write back yet; will retry before the next write', errInfo(err));
    }
  }
}
