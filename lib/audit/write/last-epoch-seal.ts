// The newest `audit.epoch_sealed` record of a log, found from the end of the newest segment
// backwards (a sealed log has one per epoch, so this normally reads only the last segment).
// Synchronous, because AuditLogger.open is; it runs after recovery cut any torn last line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord } from '../format/events.js';
import { listSegments } from './segments.js';
import { EPOCH_SEALED } from '../format/epochs.js';

export interface LastSeal {
  seq: number;
  epoch: number;
  tag: string;
  prev: string;
}

const MARK = `"type":"${EPOCH_SEALED}"`;

export function findLastSeal(dir: string): LastSeal | null {
  const segments = listSegments(dir);
  for (let i = segments.length - 1; i >= 0; i--) {
    const buf = readFileSync(join(dir, segments[i]!.name));
    let at = buf.lastIndexOf(MARK);
    while (at >= 0) {
      const start = buf.lastIndexOf(0x0a, at) + 1;
      const end = buf.indexOf(0x0a, at);
      const rec = JSON.parse(buf.subarray(start, end < 0 ? buf.length : end).toString('utf8')) as AuditRecord;
      if (rec.type === EPOCH_SEALED) {
        const d = rec.data as { epoch: number; tag: string };
        return { seq: rec.seq, epoch: d.epoch, tag: d.tag, prev: rec.prev };
      }
      at = start > 0 ? buf.lastIndexOf(MARK, start - 1) : -1; // the mark sat inside a data string
    }
  }
  return null;
}
