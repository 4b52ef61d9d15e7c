// Streams a segment file as lines with 1-based line numbers, telling whether each line ended in
// LF (a line that does not is torn). A line longer than MAX_LINE_BYTES (a record is at most 64 KiB)
// is not gathered: its bytes are skipped up to the next LF and it comes back marked `tooLong`, so
// memory stays bounded by the cap whatever the file holds (a 700 MB line used to take 1.4 GB).
// Every byte read also feeds an optional hash, so the sidecar check needs no second read.
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { MAX_RECORD_BYTES } from '../write/record-queue.js';

/** The longest line a record can be, without its LF. */
export const MAX_LINE_BYTES = MAX_RECORD_BYTES - 1;

export interface Line {
  /** The line's bytes without the LF (empty when tooLong). */
  bytes: Buffer;
  lineNo: number;
  terminated: boolean;
  /** Longer than MAX_LINE_BYTES: not a record; its bytes were skipped. */
  tooLong?: true;
}

export async function* readLines(path: string, hash?: Hash): AsyncGenerator<Line> {
  let carry: Buffer[] = [];
  let carried = 0;
  let skipping = false; // inside a line already past the cap
  let lineNo = 0;
  const long = (terminated: boolean): Line => ({ bytes: Buffer.alloc(0), lineNo, terminated, tooLong: true });
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash?.update(chunk);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      lineNo++;
      if (skipping || carried + piece.length > MAX_LINE_BYTES) yield long(true);
      else yield { bytes: carry.length > 0 ? Buffer.concat([...carry, piece]) : piece, lineNo, terminated: true };
      carry = [];
      carried = 0;
      skipping = false;
      start = nl + 1;
    }
    if (start < chunk.length && !skipping) {
      carried += chunk.length - start;
      if (carried > MAX_LINE_BYTES) {
        skipping = true;
        carry = [];
      } else carry.push(chunk.subarray(start));
    }
  }
  if (skipping) {
    lineNo++;
    yield long(false);
  } else if (carry.length > 0) yield { bytes: Buffer.concat(carry), lineNo: ++lineNo, terminated: false };
}
