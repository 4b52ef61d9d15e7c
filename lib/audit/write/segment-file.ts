// One open segment file of the writer: its state (good length, running SHA-256, records not yet
// fsynced), creation, the sidecar written when it closes, and the byte bookkeeping of a write.
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import type { FileLayer } from './file-layer.js';
import type { QueuedRecord } from './record-queue.js';
import { segmentName, sidecarName, sidecarText } from '../format/log-layout.js';

export interface Segment {
  name: string;
  /** -1 once closed. */
  fd: number;
  firstSeq: number;
  day: string;
  /** Bytes confirmed written; the file is truncated back to this after a failed write. */
  size: number;
  sha: Hash;
  /** A failed write may have left bytes past `size` that must be cut before the next write. */
  dirty: boolean;
  /** Records written here but not yet fsynced: if the file is deleted they go back to the queue. */
  unsynced: QueuedRecord[];
  /** The file was deleted under us (alone or with its directory): never written again. */
  lost: boolean;
}

/** Creates the segment whose first record is `rec` (the directory entry made durable). */
export function createSegment(layer: FileLayer, dir: string, rec: QueuedRecord): Segment {
  const name = segmentName(rec.seq);
  const fd = layer.openSync(join(dir, name), 'wx', 0o600);
  try {
    layer.fsyncDirSync(dir);
  } catch (err) {
    layer.closeSync(fd);
    throw err;
  }
  return {
    name,
    fd,
    firstSeq: rec.seq,
    day: rec.day,
    size: 0,
    sha: createHash('sha256'),
    dirty: false,
    unsynced: [],
    lost: false,
  };
}

/** The recovered last segment, reopened for appending. */
export function reopenSegment(
  layer: FileLayer,
  dir: string,
  s: { name: string; firstSeq: number; day: string; size: number; sha: Hash },
): Segment {
  const fd = layer.openSync(join(dir, s.name), 'r+', 0o600);
  return { ...s, fd, dirty: false, unsynced: [], lost: false };
}

/** After the final fsync: the sha256sum sidecar (written aside, renamed), then close. */
export function writeSidecarAndClose(layer: FileLayer, dir: string, seg: Segment): void {
  const tmp = join(dir, sidecarName(seg.name) + '.tmp');
  layer.writeFileSync(tmp, sidecarText(seg.name, seg.sha.copy().digest('hex')), 0o600);
  layer.renameSync(tmp, join(dir, sidecarName(seg.name)));
  layer.closeSync(seg.fd);
  seg.fd = -1;
  layer.fsyncDirSync(dir);
}

/** False once the file was deleted (the layer may not know how to tell: then assume it is there). */
export function isLinked(layer: FileLayer, seg: Segment): boolean {
  return !seg.lost && (layer.linkCountSync?.(seg.fd) ?? 1) > 0;
}

export function joinLines(records: QueuedRecord[]): Buffer {
  // Each line encoded into its place: concatenating first and encoding the joined string costs
  // about six times as much (V8 flattens the rope, then encodes megabytes in one pass).
  let total = 0;
  for (const r of records) total += r.bytes;
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (const r of records) {
    const start = at;
    if (r.line !== '') at += buf.write(r.line, at, 'utf8');
    else at += r.chunk!.copy(buf, at, r.chunkAt, r.chunkAt + r.bytes); // written before, to be written again
    r.line = '';
    r.chunk = buf;
    r.chunkAt = start;
  }
  return at === total ? buf : buf.subarray(0, at);
}

/** How many leading records (and bytes) lie wholly inside the first `landed` bytes of their joined lines. */
export function wholeRecordPrefix(records: QueuedRecord[], landed: number): { count: number; bytes: number } {
  let bytes = 0;
  let count = 0;
  while (count < records.length && bytes + records[count]!.bytes <= landed) bytes += records[count++]!.bytes;
  return { count, bytes };
}
