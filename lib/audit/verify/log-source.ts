// One reading of an audit log for every source (SPEC §4): a directory, files dropped on a page, or
// any future source gives its file names, each segment's lines and its sidecars' text, and this
// turns them into the verifier's items — stray files first, then each segment's lines, each
// segment followed by what only the set of files shows (an empty or misnamed segment, a sidecar
// that disagrees or is missing). Browser-safe: the source does the reading and the hashing.
import { logLayout, sidecarName, sidecarText, type LogLayout } from '../format/log-layout.js';
import type { VerifyItem } from './chain-verifier.js';

/** One line of a segment, without its LF. */
export interface SegmentLine {
  bytes: Uint8Array;
  /** False for a last line the source ended without a LF after (a write cut short). */
  terminated: boolean;
  /** Longer than a record can be (64 KiB): its bytes were not kept. */
  tooLong?: true;
}

/** A segment being read: its lines, then (when asked for) the SHA-256 of all its bytes. */
export interface SegmentReading {
  lines: AsyncIterable<SegmentLine> | Iterable<SegmentLine>;
  /** Hex SHA-256 of the whole segment; called only after `lines` ran to the end. */
  sha256Hex(): string | Promise<string>;
}

/** What a source of log files supplies. */
export interface LogSource {
  /** Every file name the source holds (log parts and anything else). */
  readonly names: Iterable<string>;
  /** Reads a segment; `hashed` says whether {@link SegmentReading.sha256Hex} will be called. */
  segment(name: string, hashed: boolean): SegmentReading;
  /** A sidecar's whole text. */
  text(name: string): string | Promise<string>;
}

/**
 * The verifier's items for a log source, in log order. `layout` is the source's names sorted as a
 * log (computed when not given; adapters that also report counts pass the one they made).
 */
export async function* logSourceItems(
  source: LogSource,
  layout: LogLayout = logLayout(source.names),
): AsyncGenerator<VerifyItem> {
  for (const { name, why } of layout.stray) {
    yield {
      source: name,
      line: 0,
      problem: 'unexpected file',
      detail: `${name} is ${why} (records hidden or removed?)`,
    };
  }
  let linesSoFar = 0; // equals the next seq while the chain is intact (the verifier checks that)
  for (let si = 0; si < layout.segments.length; si++) {
    const seg = layout.segments[si]!;
    const isLast = si === layout.segments.length - 1;
    const reading = source.segment(seg.name, seg.hasSidecar);
    let lines = 0;
    for await (const { bytes, terminated, tooLong } of reading.lines) {
      lines++;
      if (tooLong) {
        // Not a record: reading on would only report what follows a line no writer made.
        yield {
          source: seg.name,
          line: lines,
          problem: 'line too long',
          detail: 'longer than a record can be (64 KiB)',
        };
        return;
      }
      yield {
        source: seg.name,
        line: lines,
        text: bytes,
        torn: !terminated,
        expectedSeq: lines === 1 ? seg.firstSeq : undefined,
      };
    }
    if (lines === 0 && (!isLast || seg.hasSidecar)) {
      yield { source: seg.name, line: 1, problem: 'empty segment', detail: 'a closed segment holds no records' };
    } else if (lines === 0 && seg.firstSeq !== linesSoFar) {
      yield {
        source: seg.name,
        line: 1,
        problem: 'segment name mismatch',
        detail: `an empty segment named for seq ${seg.firstSeq} follows seq ${linesSoFar - 1}`,
      };
    }
    linesSoFar += lines;
    const side = sidecarName(seg.name);
    if (seg.hasSidecar) {
      if ((await source.text(side)) !== sidecarText(seg.name, await reading.sha256Hex())) {
        yield {
          source: side,
          line: 1,
          problem: 'sidecar mismatch',
          detail: "the segment's SHA-256 differs from its sidecar",
        };
      }
    } else if (!isLast) {
      // The writer leaves a sidecar beside every segment it closes (recovery restores one a crash cut off).
      yield {
        source: side,
        line: 0,
        problem: 'missing sidecar',
        detail: `${seg.name} is followed by a newer segment but its sidecar is missing`,
      };
    }
  }
}

/** Splits whole bytes into segment lines (for sources that hold a segment in memory). */
export function* splitLines(bytes: Uint8Array): Generator<SegmentLine> {
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(0x0a, start);
    yield { bytes: bytes.subarray(start, nl < 0 ? bytes.length : nl), terminated: nl >= 0 };
    start = nl < 0 ? bytes.length : nl + 1;
  }
}
