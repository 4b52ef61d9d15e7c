// The layout of an audit log (SPEC §4): which file names are segments (audit-<12-digit seq of the
// first record>.jsonl), which are their sha256sum-format sidecars, which are named like parts of a
// log but are not (a verifier reports them), and which are no part of it (the lock, the sealing
// state, a README). Browser-safe: it sees names only; a directory, files dropped on a page or any
// other source supplies them.

/** A segment's name; the capture is the seq of its first record. */
export const SEGMENT_PATTERN = /^audit-(\d{12})\.jsonl$/;
/** A sidecar's name; the capture is its segment's name. */
export const SIDECAR_PATTERN = /^(audit-\d{12}\.jsonl)\.sha256$/;
/** The writer lock in a log directory (no part of the log's content). */
export const LOCK_FILE = 'audit.lock';

/** The name of the segment whose first record has seq `firstSeq`. */
export function segmentName(firstSeq: number): string {
  return `audit-${String(firstSeq).padStart(12, '0')}.jsonl`;
}

/** The name of a segment's sidecar. */
export function sidecarName(segment: string): string {
  return `${segment}.sha256`;
}

/** A sidecar's whole text: the segment's SHA-256 in sha256sum format. */
export function sidecarText(segment: string, sha256Hex: string): string {
  return `${sha256Hex}  ${segment}\n`;
}

/** One segment of a log. */
export interface SegmentEntry {
  name: string;
  firstSeq: number;
  hasSidecar: boolean;
}

/** A name that looks like a part of the log but is not one, with what is wrong with it. */
export interface StrayFile {
  name: string;
  why: string;
}

/** What a set of file names holds, as a log. */
export interface LogLayout {
  /** Segments in seq order. */
  segments: SegmentEntry[];
  /** Names like a log's parts that are not (a misnamed segment, a sidecar of no segment), sorted. */
  stray: StrayFile[];
  /** Names that are no part of a log (the lock, the sealing state, a sidecar being written), sorted. */
  ignored: string[];
}

/** Sorts a source's file names into segments, stray names and names that are no part of the log. */
export function logLayout(names: Iterable<string>): LogLayout {
  const all = [...new Set(names)].sort();
  const present = new Set(all);
  const segments: SegmentEntry[] = [];
  const stray: StrayFile[] = [];
  const ignored: string[] = [];
  for (const name of all) {
    const seg = SEGMENT_PATTERN.exec(name);
    if (seg) {
      segments.push({ name, firstSeq: Number(seg[1]), hasSidecar: present.has(sidecarName(name)) });
      continue;
    }
    const side = SIDECAR_PATTERN.exec(name);
    if (side && present.has(side[1]!)) continue; // checked with its segment
    if (!name.startsWith('audit-') || name.endsWith('.tmp')) {
      ignored.push(name); // a `.tmp` is a sidecar being written; the writer renames it into place
      continue;
    }
    const why = side ? 'a sidecar of no segment' : 'named like a segment but not audit-<12 digits>.jsonl';
    stray.push({ name, why });
  }
  return { segments: segments.sort((a, b) => a.firstSeq - b.firstSeq), stray, ignored };
}
