// The logger's segment writer: owns the open segment file, rotation (size or UTC day), sidecars,
// the truncate-back of failed writes, and both write paths — the background group commit
// (async write + fsync) and the synchronous write-through used for critical events.
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger, ILogObj } from 'tslog';
import type { FileLayer } from './file-layer.js';
import type { QueuedRecord, RecordQueue } from './record-queue.js';
import { segmentName, sidecarName, sidecarText } from './segments.js';

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

/** One background write takes everything queued up to these caps (group commit). */
export const WRITE_CAPS = { records: 16384, bytes: 4 * 1024 * 1024 } as const;

export interface SegmentWriterOptions {
  dir: string;
  layer: FileLayer;
  rotateBytes: number;
  log: Logger<ILogObj>;
  queue: RecordQueue;
  /** Last seq already durable on disk (from recovery). */
  durableSeq: number;
  /** The recovered last segment to append to, if any. */
  appendTo: { name: string; firstSeq: number; day: string; size: number; sha: Hash } | null;
  /** Records up to `seq` are durable. */
  onDurable: (seq: number) => void;
  onError: (err: unknown, what: string) => void;
  onSuccess: () => void;
}

export function errInfo(err: unknown): { code: string; message: string } {
  const e = err as NodeJS.ErrnoException;
  return { code: e?.code ?? 'E_AUDIT_IO', message: e?.message ?? String(err) };
}

function joinLines(records: QueuedRecord[]): Buffer {
  let text = '';
  for (const r of records) text += r.line;
  return Buffer.from(text, 'utf8');
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

  constructor(opts: SegmentWriterOptions) {
    this.#o = opts;
    this.#durableSeq = this.#writtenSeq = opts.durableSeq;
    if (opts.appendTo) {
      const fd = opts.layer.openSync(join(opts.dir, opts.appendTo.name), 'r+', 0o600);
      this.#segment = { ...opts.appendTo, fd, dirty: false };
    }
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

  /** fsync, sidecar and close the open segment (at close). */
  close(): void {
    if (this.#segment) this.#sealSegment(this.#segment);
    this.#segment = null;
  }

  /** Closes the file without a sidecar (the logger failed to open). */
  abandon(): void {
    if (this.#segment) this.#o.layer.closeSync(this.#segment.fd);
    this.#segment = null;
  }

  /** One asynchronous write + fsync of the queue's head. Returns false when it failed and should be retried later. */
  async writeBatch(): Promise<boolean> {
    const { queue, layer } = this.#o;
    let seg: Segment;
    let records: QueuedRecord[];
    try {
      this.#cutDirtyTail();
      seg = this.#segmentFor(queue.peek()!, true);
      const start = seg.size;
      records = queue.take(WRITE_CAPS.records, (r, taken) => taken + r.bytes <= WRITE_CAPS.bytes && !this.#mustRotate(seg, start + taken, r));
    } catch (err) {
      this.#o.onError(err, 'rotation');
      return false;
    }
    const buf = joinLines(records);
    const offset = seg.size;
    const lastSeq = records[records.length - 1]!.seq;
    this.#inflight = { seg, offset, buf, records, lastSeq };
    try {
      let done = 0;
      while (done < buf.length) done += await layer.write(seg.fd, buf, done, buf.length - done, offset + done);
      this.#commitWritten(seg, offset, buf, lastSeq, records.length);
      if (seg.dirty) this.#truncateBack(seg); // a failed critical write beyond us
      const covered = this.#writtenSeq;
      await layer.fsync(seg.fd);
      this.#inflight = null;
      this.#markDurable(covered);
      this.#o.onSuccess();
      return true;
    } catch (err) {
      this.#inflight = null;
      if (seg.size >= offset + buf.length && this.#durableSeq >= lastSeq) return true; // the sync path wrote and synced it meanwhile
      // Not written: cut any partial bytes and retry the records. Written but not synced: the
      // drain loop retries the fsync.
      if (seg.size < offset + buf.length) {
        this.#truncateBack(seg);
        queue.requeue(records);
      }
      this.#o.onError(err, 'write');
      return false;
    }
  }

  /** fsync of records already written (after an fsync failure). */
  async syncWritten(): Promise<boolean> {
    const covered = this.#writtenSeq;
    this.#asyncFsync = true;
    try {
      if (this.#segment) await this.#o.layer.fsync(this.#segment.fd);
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
    if (!this.#inflight) this.#cutDirtyTail();
    const flight = this.#inflight && this.#inflight.seg.size < this.#inflight.offset + this.#inflight.buf.length ? this.#inflight : null;
    let first = true;
    let lastSeg: Segment | null = null;
    let lastSeq = -1;
    while (queue.length > 0 || (first && flight)) {
      const mayRotate = !this.#asyncBusy();
      const seg = first && flight ? flight.seg : this.#segmentFor(queue.peek()!, mayRotate);
      const start = seg.size;
      const records = queue.take(Number.MAX_SAFE_INTEGER, (r, taken) => !(mayRotate && this.#mustRotate(seg, start + taken, r)));
      this.#writeChunkSync(seg, first ? flight : null, records);
      lastSeg = seg;
      lastSeq = records.length > 0 ? records[records.length - 1]!.seq : flight!.lastSeq;
      first = false;
    }
    if (lastSeg) this.#o.layer.fsyncSync(lastSeg.fd);
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
    const lastSeq = records.length > 0 ? records[records.length - 1]!.seq : flight!.lastSeq;
    this.#commitWritten(seg, offset, buf, lastSeq, records.length + (flight?.records.length ?? 0));
  }

  /** A record starts a new segment when the current one is full or a UTC day has passed. */
  #mustRotate(seg: Segment, size: number, r: QueuedRecord): boolean {
    return size > 0 && (size + r.bytes > this.#o.rotateBytes || r.day !== seg.day);
  }

  /** The segment the record belongs in, rotating first if allowed and due. */
  #segmentFor(rec: QueuedRecord, mayRotate: boolean): Segment {
    const { dir, layer } = this.#o;
    let seg = this.#segment;
    if (seg && mayRotate && this.#mustRotate(seg, seg.size, rec)) {
      this.#sealSegment(seg);
      this.#segment = seg = null;
    }
    if (!seg) {
      const name = segmentName(rec.seq);
      const fd = layer.openSync(join(dir, name), 'wx', 0o600);
      try {
        layer.fsyncDirSync(dir);
      } catch (err) {
        layer.closeSync(fd);
        throw err;
      }
      seg = this.#segment = { name, fd, firstSeq: rec.seq, day: rec.day, size: 0, sha: createHash('sha256'), dirty: false };
    }
    return seg;
  }

  /** fsync, sidecar, close. Synchronous: runs once per rotateBytes of log, and at close. */
  #sealSegment(seg: Segment): void {
    const { dir, layer } = this.#o;
    layer.fsyncSync(seg.fd);
    const digest = seg.sha.copy().digest('hex');
    const tmp = join(dir, sidecarName(seg.name) + '.tmp');
    layer.writeFileSync(tmp, sidecarText(seg.name, digest), 0o600);
    layer.renameSync(tmp, join(dir, sidecarName(seg.name)));
    layer.closeSync(seg.fd);
    layer.fsyncDirSync(dir);
  }

  /** Count bytes [offset, offset+buf.length) as written, hashing only what is new. */
  #commitWritten(seg: Segment, offset: number, buf: Buffer, lastSeq: number, records: number): void {
    const end = offset + buf.length;
    if (end <= seg.size) return;
    seg.sha.update(buf.subarray(seg.size - offset));
    seg.size = end;
    this.#recordsWritten += records;
    if (lastSeq > this.#writtenSeq) this.#writtenSeq = lastSeq;
  }

  /** True while an asynchronous operation uses the current segment's fd: no rotation (it closes the fd). */
  #asyncBusy(): boolean {
    return this.#inflight !== null || this.#asyncFsync;
  }

  #markDurable(seq: number): void {
    if (seq <= this.#durableSeq) return;
    this.#durableSeq = seq;
    this.#o.onDurable(seq);
  }

  /** Before a write: cut what an earlier failed write left past the good length (throws if it cannot). */
  #cutDirtyTail(): void {
    if (!this.#segment?.dirty) return;
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
