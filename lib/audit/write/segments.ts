// Segment file naming (SPEC §4): audit-<12-digit seq of the first record>.jsonl, with an
// optional sha256sum-format sidecar once the segment is closed.
import { readdirSync } from 'node:fs';

export const SEGMENT_PATTERN = /^audit-(\d{12})\.jsonl$/;
export const LOCK_FILE = 'audit.lock';

export function segmentName(firstSeq: number): string {
  return `audit-${String(firstSeq).padStart(12, '0')}.jsonl`;
}

export function sidecarName(segment: string): string {
  return `${segment}.sha256`;
}

export function sidecarText(segment: string, sha256Hex: string): string {
  return `${sha256Hex}  ${segment}\n`;
}

export interface SegmentEntry {
  name: string;
  firstSeq: number;
  hasSidecar: boolean;
}

/** Segments of a log directory in seq order. */
export function listSegments(dir: string): SegmentEntry[] {
  const names = new Set(readdirSync(dir));
  const out: SegmentEntry[] = [];
  for (const name of names) {
    const m = SEGMENT_PATTERN.exec(name);
    if (m) out.push({ name, firstSeq: Number(m[1]), hasSidecar: names.has(sidecarName(name)) });
  }
  return out.sort((a, b) => a.firstSeq - b.firstSeq);
}
