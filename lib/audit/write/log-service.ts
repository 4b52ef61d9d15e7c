// Which service a log directory already belongs to: the service its newest complete record
// names. A log holds one service (the logger refuses a second), so this is what a writer that
// was given no name should go on using.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_PATTERN } from '../format/validate.js';
import { listSegments } from './segments.js';

const TAIL_BYTES = 256 * 1024; // more than the largest record (64 KiB) plus its LF

/** The service of the newest complete record in `dir`, or null (no directory, no record, unreadable). */
export function logService(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const segments = listSegments(dir);
  for (let i = segments.length - 1; i >= 0; i--) {
    const fd = openSync(join(dir, segments[i]!.name), 'r');
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - TAIL_BYTES);
      const buf = Buffer.allocUnsafe(size - start);
      const n = readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString('utf8', 0, n);
      const end = text.lastIndexOf('\n');
      if (end < 0) continue;
      const line = text.slice(text.lastIndexOf('\n', end - 1) + 1, end);
      try {
        const service = (JSON.parse(line) as { service?: unknown }).service;
        return typeof service === 'string' && SERVICE_PATTERN.test(service) ? service : null;
      } catch {
        return null;
      }
    } finally {
      closeSync(fd);
    }
  }
  return null;
}
