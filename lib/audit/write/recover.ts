// Crash recovery on open. A process killed mid-write (or a power cut) can leave the newest
// segment ending in a partial line; that tail is cut back to the last record boundary and the
// number of bytes dropped is reported. Everything before the tail is never touched: a complete
// last line that does not verify is tampering or media damage, not a torn write, so the logger
// refuses to append rather than "repair" evidence away.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogCorruptError } from '../../errors.js';
import type { AuditRecord } from '../format/events.js';
import type { FileLayer } from './file-layer.js';
import { GENESIS_PREV } from '../format/record-canonical.js';
import { recordHash } from './record-line.js';
import { sidecarName, sidecarText, type SegmentEntry } from '../format/log-layout.js';
import { listSegments } from './segments.js';

export interface ResumableSegment {
  name: string;
  firstSeq: number;
  size: number;
  /** SHA-256 state over the segment's bytes so far, for its sidecar when it is closed. */
  sha: Hash;
  /** UTC day (YYYY-MM-DD) of the segment's first record, for midnight rotation. */
  day: string;
}

export interface RecoveredLog {
  nextSeq: number;
  prev: string;
  lastTsMs: number;
  /** The service the log's newest record names (null: no record yet); a log holds one service. */
  service: string | null;
  /** The open (sidecar-less) newest segment to append to, or null to start a new one. */
  appendTo: ResumableSegment | null;
  bytesDropped: number;
  tornSegment: string | null;
  sidecarsWritten: string[];
  emptySegmentsRemoved: string[];
}

function readWhole(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

function parseRecord(text: string, where: string): AuditRecord {
  let rec: AuditRecord;
  try {
    rec = JSON.parse(text) as AuditRecord;
  } catch {
    throw new AuditLogCorruptError(`${where}: the last complete line is not JSON; run verify and move the log aside`);
  }
  const { hash, ...fields } = rec;
  let ok = false;
  try {
    ok = typeof hash === 'string' && Number.isSafeInteger(rec.seq) && recordHash(fields) === hash;
  } catch {
    ok = false;
  }
  if (!ok)
    throw new AuditLogCorruptError(
      `${where}: the last complete record's hash does not verify; run verify and move the log aside`,
    );
  return rec;
}

function writeSidecar(dir: string, layer: FileLayer, seg: SegmentEntry): void {
  const sha = createHash('sha256')
    .update(readFileSync(join(dir, seg.name)))
    .digest('hex');
  const tmp = join(dir, sidecarName(seg.name) + '.tmp');
  layer.writeFileSync(tmp, sidecarText(seg.name, sha), 0o600);
  layer.renameSync(tmp, join(dir, sidecarName(seg.name)));
}

export function recoverLog(dir: string, layer: FileLayer): RecoveredLog {
  const segments = listSegments(dir);
  const result: RecoveredLog = {
    nextSeq: 0,
    prev: GENESIS_PREV,
    lastTsMs: 0,
    service: null,
    appendTo: null,
    bytesDropped: 0,
    tornSegment: null,
    sidecarsWritten: [],
    emptySegmentsRemoved: [],
  };

  while (segments.length > 0) {
    const last = segments[segments.length - 1]!;
    const path = join(dir, last.name);
    let buf = readWhole(path);
    const end = buf.lastIndexOf(0x0a) + 1;
    if (end < buf.length) {
      if (last.hasSidecar)
        throw new AuditLogCorruptError(`${last.name}: a closed segment ends in a partial line; run verify`);
      const fd = layer.openSync(path, 'r+', 0o600);
      try {
        layer.ftruncateSync(fd, end);
        layer.fsyncSync(fd);
      } finally {
        layer.closeSync(fd);
      }
      result.bytesDropped += buf.length - end;
      result.tornSegment = last.name;
      buf = buf.subarray(0, end);
    }
    if (buf.length === 0) {
      // Created at rotation but killed before its first record landed (or wholly torn).
      unlinkSync(path);
      if (last.hasSidecar) unlinkSync(join(dir, sidecarName(last.name)));
      result.emptySegmentsRemoved.push(last.name);
      segments.pop();
      continue;
    }
    const lineStart = buf.lastIndexOf(0x0a, end - 2) + 1;
    const rec = parseRecord(buf.toString('utf8', lineStart, end - 1), last.name);
    result.nextSeq = rec.seq + 1;
    result.prev = rec.hash;
    result.lastTsMs = Date.parse(rec.ts);
    result.service = typeof rec.service === 'string' ? rec.service : null;
    if (!last.hasSidecar) {
      const firstLineEnd = buf.indexOf(0x0a);
      const first = JSON.parse(buf.toString('utf8', 0, firstLineEnd)) as AuditRecord;
      result.appendTo = {
        name: last.name,
        firstSeq: last.firstSeq,
        size: buf.length,
        sha: createHash('sha256').update(buf),
        day: first.ts.slice(0, 10),
      };
    }
    break;
  }

  // A crash between finishing a segment and writing its sidecar leaves an older segment without one.
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    if (!seg.hasSidecar) {
      writeSidecar(dir, layer, seg);
      result.sidecarsWritten.push(seg.name);
    }
  }
  return result;
}
