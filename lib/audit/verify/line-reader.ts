// Streams a segment file as lines with 1-based line numbers, telling whether each line ended in
// LF (a line that does not is torn). Memory is bounded by the longest line, not the file size.
// Every byte read also feeds an optional hash, so the sidecar check needs no second read.
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface Line {
  bytes: Buffer;
  lineNo: number;
  terminated: boolean;
}

export async function* readLines(path: string, hash?: Hash): AsyncGenerator<Line> {
  let carry: Buffer[] = [];
  let lineNo = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash?.update(chunk);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      const bytes = carry.length > 0 ? Buffer.concat([...carry, piece]) : piece;
      carry = [];
      yield { bytes, lineNo: ++lineNo, terminated: true };
      start = nl + 1;
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  }
  if (carry.length > 0) yield { bytes: Buffer.concat(carry), lineNo: ++lineNo, terminated: false };
}
