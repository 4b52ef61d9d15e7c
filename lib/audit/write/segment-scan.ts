// Synchronous reads of a log directory's segments by seq, for the SPEC §8 tree: the record hashes
// from some seq on (to rebuild what a crash lost of the tree file), and one record's line found by
// bisecting its segment on the `seq` each line starts with (so a proof never reads the whole log).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogCorruptError } from '../../errors.js';
import { MAX_RECORD_BYTES } from './record-queue.js';
import { listSegments } from './segments.js';

const HASH_TAIL = /"hash":"([0-9a-f]{64})"\}$/;
const SEQ_HEAD = /^\{"v":1,"seq":(0|[1-9][0-9]*),/;
const CHUNK = 1 << 20;

/** The `hash` of a stored record line (the writer puts it last). */
export function lineHash(line: string, where: string): string {
  const m = HASH_TAIL.exec(line);
  if (m) return m[1]!;
  try {
    const h = (JSON.parse(line) as { hash?: unknown }).hash;
    if (typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)) return h;
  } catch {
    // reported below
  }
  throw new AuditLogCorruptError(`${where}: a record line has no readable hash; run audit verify`);
}

/** Every record line with seq ≥ `fromSeq`, in order, as (seq, line without LF). Torn tails are skipped. */
export function* recordLinesFrom(dir: string, fromSeq: number): Generator<{ seq: number; line: string }> {
  const segments = listSegments(dir);
  for (let i = 0; i < segments.length; i++) {
    const next = segments[i + 1];
    if (next && next.firstSeq <= fromSeq) continue;
    const seg = segments[i]!;
    let seq = seg.firstSeq;
    for (const line of linesOf(join(dir, seg.name))) {
      if (seq >= fromSeq) yield { seq, line };
      seq++;
    }
  }
}

function* linesOf(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let carry = '';
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) break;
      pos += n;
      const text = carry + buf.toString('utf8', 0, n);
      const parts = text.split('\n');
      carry = parts.pop()!;
      yield* parts;
    }
  } finally {
    closeSync(fd);
  }
}

/** The stored line (without LF) of record `seq`, or null when the log has no such record. */
export function findRecordLine(dir: string, seq: number): string | null {
  const segments = listSegments(dir);
  let seg = null;
  for (const s of segments) if (s.firstSeq <= seq) seg = s;
  if (!seg) return null;
  const fd = openSync(join(dir, seg.name), 'r');
  try {
    const size = fstatSync(fd).size;
    const window = Buffer.allocUnsafe(2 * MAX_RECORD_BYTES + 2);
    // The first whole line starting at or after `offset`: its start and seq.
    const lineAfter = (offset: number): { start: number; seq: number } | null => {
      const from = Math.max(0, offset - 1);
      const n = readSync(fd, window, 0, window.length, from);
      const nl = offset === 0 ? -1 : window.subarray(0, n).indexOf(0x0a);
      if (offset > 0 && nl < 0) return null;
      const start = offset === 0 ? 0 : from + nl + 1;
      const head = SEQ_HEAD.exec(window.toString('utf8', start - from, Math.min(n, start - from + 40)));
      return head ? { start, seq: Number(head[1]) } : null;
    };
    let lo = 0;
    let hi = size;
    while (hi - lo > window.length) {
      const mid = Math.floor((lo + hi) / 2);
      const at = lineAfter(mid);
      if (at && at.seq <= seq) lo = at.start;
      else hi = mid;
    }
    let pos = lo;
    while (pos < size) {
      const n = readSync(fd, window, 0, window.length, pos);
      let start = 0;
      for (let nl = window.indexOf(0x0a); nl >= 0 && nl < n; nl = window.indexOf(0x0a, start)) {
        const line = window.toString('utf8', start, nl);
        const head = SEQ_HEAD.exec(line);
        if (head && Number(head[1]) === seq) return line;
        if (head && Number(head[1]) > seq) return null;
        start = nl + 1;
      }
      if (start === 0) return null; // a torn or oversized line
      pos += start;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}
