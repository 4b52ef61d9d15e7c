// Before its first publish the shipper reads the whole local range it is about to ship and checks
// it: seq continuity, prev links and one service throughout. A log that mixes services (two
// writers in one directory) fails here, with nothing published. The scan compares bytes in place
// (no strings, one reused buffer), so checking first costs a fraction of shipping.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogCorruptError } from '../errors.js';
import { listSegments } from '../audit/write/segments.js';
import { sameBytes } from './byte-scan.js';
import { recordAt, recordLayout } from './stored-record.js';

const CHUNK = 1 << 20;

class RangeCheck {
  private readonly want: Buffer;
  private readonly lastHash = Buffer.alloc(64);
  private haveHash = false;
  private expectSeq: number | null = null;
  checked = 0;

  constructor(
    private readonly dir: string,
    private readonly fromSeq: number,
    private readonly service: string,
  ) {
    this.want = Buffer.from(service, 'latin1');
  }

  line(line: Buffer, segment: string): void {
    const l = recordLayout(line);
    let seq: number;
    let serviceOk: boolean;
    let prevOk: boolean;
    if (l) {
      seq = l.seq;
      serviceOk =
        l.serviceEnd - l.serviceAt === this.want.length && sameBytes(line, l.serviceAt, this.want, 0, this.want.length);
      prevOk = !this.haveHash || sameBytes(line, l.prevAt, this.lastHash, 0, 64);
      line.copy(this.lastHash, 0, l.hashAt, l.hashAt + 64);
    } else {
      const rec = recordAt(line);
      if (!rec) throw this.broken(segment, 'a line is not an audit record');
      seq = rec.seq;
      serviceOk = rec.service === this.service;
      prevOk = !this.haveHash || rec.prev === this.lastHash.toString('latin1');
      this.lastHash.write(rec.hash, 'latin1');
    }
    if (this.expectSeq !== null && seq !== this.expectSeq)
      throw this.broken(segment, `expected seq ${this.expectSeq}, found ${seq}`);
    if (!prevOk) throw this.broken(segment, `seq ${seq}: prev does not link to the record before it`);
    this.haveHash = true;
    this.expectSeq = seq + 1;
    if (seq < this.fromSeq) return; // already shipped: only its hash matters (the next prev)
    if (!serviceOk) {
      const named = l ? line.toString('latin1', l.serviceAt, l.serviceEnd) : recordAt(line)!.service;
      throw new AuditLogCorruptError(
        `${this.dir}: record ${seq} (${segment}) names service "${named}", but the log's records before it name "${this.service}": one log directory per service; nothing was published (move the second service's records to their own directory)`,
      );
    }
    this.checked++;
  }

  broken(segment: string, what: string): AuditLogCorruptError {
    return new AuditLogCorruptError(
      `${segment}: ${what}; the local log is broken — run audit verify ${this.dir}; nothing was published`,
    );
  }
}

/** Checks records fromSeq… up to the current end; E_AUDIT_CORRUPT at the first that breaks the chain or names another service. */
export async function checkLocalRange(dir: string, fromSeq: number, service: string): Promise<number> {
  const segments = listSegments(dir);
  let first = 0;
  for (let i = 0; i < segments.length; i++) if (segments[i]!.firstSeq <= fromSeq) first = i;
  const check = new RangeCheck(dir, fromSeq, service);
  const buf = Buffer.allocUnsafe(CHUNK);
  for (const seg of segments.slice(first)) {
    let fd: number;
    try {
      fd = openSync(join(dir, seg.name), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile (an empty segment after a crash)
      throw err;
    }
    try {
      let offset = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, offset);
        const lastLf = n === 0 ? -1 : buf.lastIndexOf(0x0a, n - 1);
        if (lastLf < 0) {
          if (n === CHUNK) throw check.broken(seg.name, `a line longer than ${CHUNK} bytes at offset ${offset}`);
          break; // end of the segment, or a line still being written
        }
        for (let start = 0; start <= lastLf; ) {
          const end = buf.indexOf(0x0a, start);
          check.line(buf.subarray(start, end), seg.name);
          start = end + 1;
        }
        offset += lastLf + 1;
      }
    } finally {
      closeSync(fd);
    }
  }
  return check.checked;
}
