// The Node side of the log layout: listing a log directory's segments. The naming rules themselves
// (segments, sidecars, stray files) are browser-safe, in ../format/log-layout.ts.
import { readdirSync } from 'node:fs';
import { logLayout, type SegmentEntry } from '../format/log-layout.js';

/** Segments of a log directory in seq order. */
export function listSegments(dir: string): SegmentEntry[] {
  return logLayout(readdirSync(dir)).segments;
}
