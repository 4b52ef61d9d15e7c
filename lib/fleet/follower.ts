// Follows a live audit log directory from a given seq, across rotations, without the writer's
// lock: reads only complete (LF-terminated) lines, and never moves past the last LF it has seen,
// because bytes after it may be a torn write the writer will cut back and replace.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogCorruptError } from '../errors.js';
import { GENESIS_PREV } from '../audit/format/record-canonical.js';
import { listSegments } from '../audit/write/segments.js';
import { recordAt } from './stored-record.js';

export interface FollowedRecord {
  seq: number;
  hash: string;
  ts: string;
  service: string;
  /** The record's line exactly as on disk, without its LF. */
  line: Buffer;
}

const CHUNK = 1 << 20;

export class LogFollower {
  private fd: number | null = null;
  private segment = '';
  private offset = 0;
  private nextSeq = 0;
  private prev = GENESIS_PREV;
  private pending: FollowedRecord[] = [];
  /** Seq + 1 of the newest complete record seen so far (for lag). */
  newestSeen = 0;

  constructor(readonly dir: string) {}

  /** Seq of the first record of the log (of its oldest segment), or null when there is none yet. */
  firstSeq(): number | null {
    return listSegments(this.dir)[0]?.firstSeq ?? null;
  }

  /**
   * Position so that the next record returned is `seq`. `expect` is the stream's copy of an
   * earlier record, compared byte for byte with the local one as it is skipped. 'behind' when
   * the local log does not reach seq − 1.
   */
  async seek(seq: number, expect?: { seq: number; line: Buffer } | null): Promise<'ok' | 'behind'> {
    this.close();
    this.pending = [];
    const segments = listSegments(this.dir);
    const start = expect ? expect.seq : seq;
    const seg = [...segments].reverse().find((s) => s.firstSeq <= start);
    if (!seg) {
      // Nothing written yet (or only later segments): fill() opens the segment starting at seq.
      this.nextSeq = seq;
      this.prev = seq === 0 ? GENESIS_PREV : '';
      return seq === 0 || segments.length === 0 ? 'ok' : 'behind';
    }
    this.open(seg.name, seg.firstSeq);
    this.prev = seg.firstSeq === 0 ? GENESIS_PREV : ''; // unknown at a later segment: taken from its first line
    let consumed = seg.firstSeq - 1;
    for (;;) {
      if (this.pending.length === 0) this.fill();
      const head = this.pending[0];
      if (!head) return consumed === seq - 1 ? 'ok' : 'behind';
      if (head.seq >= seq) break;
      this.pending.shift();
      consumed = head.seq;
      if (expect && head.seq === expect.seq && !head.line.equals(expect.line))
        throw new ForeignRecordMismatch(head.seq);
    }
    return 'ok';
  }

  /** The next complete record, or null when the writer has not written it yet. */
  async next(): Promise<FollowedRecord | null> {
    if (this.pending.length === 0) this.fill();
    return this.pending.shift() ?? null;
  }

  /** Up to `max` records that are available now. */
  take(max: number): FollowedRecord[] {
    if (this.pending.length === 0) this.fill();
    return this.pending.splice(0, max);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(name: string, firstSeq: number): void {
    this.close();
    this.fd = openSync(join(this.dir, name), 'r');
    this.segment = name;
    this.offset = 0;
    this.nextSeq = firstSeq;
  }

  /** A segment the writer removed meanwhile (an empty one, after a crash) is simply not there yet. */
  private tryOpen(name: string, firstSeq: number): boolean {
    try {
      this.open(name, firstSeq);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Read what is new in the current segment; move to the next one once this one is finished. */
  private fill(): void {
    for (let hops = 0; hops < 4 && this.pending.length === 0; hops++) {
      if (this.fd === null) {
        const seg = listSegments(this.dir).find((s) => s.firstSeq === this.nextSeq);
        if (!seg || !this.tryOpen(seg.name, seg.firstSeq)) return;
      }
      const got = this.readAvailable();
      if (got > 0) return;
      // Nothing new here: a later segment means this one is complete (the writer only creates a
      // segment after the previous one is fsynced and closed).
      const later = listSegments(this.dir).find((s) => s.firstSeq === this.nextSeq && s.name !== this.segment);
      if (!later || !this.tryOpen(later.name, later.firstSeq)) return;
    }
  }

  private readAvailable(): number {
    let produced = 0;
    for (;;) {
      // A fresh buffer per read: lines are handed out as views of it, not copies.
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(this.fd!, buf, 0, CHUNK, this.offset);
      if (n === 0) return produced;
      const lastLf = buf.lastIndexOf(0x0a, n - 1);
      if (lastLf < 0) {
        if (n === CHUNK)
          throw new AuditLogCorruptError(
            `${this.segment}: a line longer than ${CHUNK} bytes at offset ${this.offset}; run audit verify`,
          );
        return produced; // only a partial line so far
      }
      let start = 0;
      while (start <= lastLf) {
        const end = buf.indexOf(0x0a, start);
        this.pending.push(this.parse(buf.subarray(start, end)));
        start = end + 1;
        produced++;
      }
      this.offset += lastLf + 1;
      // One chunk per call: a backlog is handed out a chunk at a time, so only the records in
      // flight stay alive (young garbage), not the whole log.
      return produced;
    }
  }

  /** Only what shipping needs: seq continuity and the prev link; full checks are verify's job. */
  private parse(line: Buffer): FollowedRecord {
    const rec = recordAt(line);
    if (!rec) throw this.broken('a line is not an audit record');
    if (rec.seq !== this.nextSeq) throw this.broken(`expected seq ${this.nextSeq}, found ${rec.seq}`);
    if (this.prev !== '' && rec.prev !== this.prev)
      throw this.broken(`seq ${this.nextSeq}: prev does not link to the record before it`);
    this.prev = rec.hash;
    this.nextSeq++;
    if (this.nextSeq > this.newestSeen) this.newestSeen = this.nextSeq;
    return { seq: rec.seq, hash: rec.hash, ts: rec.ts, service: rec.service, line };
  }

  private broken(what: string): AuditLogCorruptError {
    return new AuditLogCorruptError(`${this.segment}: ${what}; the local log is broken — run audit verify ${this.dir}`);
  }
}

/** The local record at `seq` differs from the stream's copy (the shipper turns this into its typed error). */
export class ForeignRecordMismatch extends Error {
  constructor(readonly seq: number) {
    super(`local record ${seq} differs from the stream's`);
  }
}
