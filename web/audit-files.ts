// Files chosen or dropped on the page as a source of record lines for the audit verifier core
// (lib/audit/verify-core): segments in seq order, each line with its file and line number, and
// what only the set of files shows — sidecars that disagree or are missing, stray log files.
// The browser twin of lib/audit/verify.ts's directoryRecordLines (File objects instead of paths).
import { SEGMENT_PATTERN, sidecarName, sidecarText } from '../dist/audit/write/segments.js';
import type { VerifyItem } from '../dist/audit/verify/chain-verifier.js';
import { toHex } from '../dist/formats/hex.js';

const SIDECAR_PATTERN = /^(audit-\d{12}\.jsonl)\.sha256$/;

export interface LogFiles {
  segments: File[];
  sidecars: Map<string, File>;
  /** Files that are no part of a log (a README, a lock file): not checked, but named to the user. */
  ignored: string[];
  /** Files named like log parts that are not: reported as problems. */
  stray: string[];
}

export function sortLogFiles(files: readonly File[]): LogFiles {
  const segments = files.filter((f) => SEGMENT_PATTERN.test(f.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const names = new Set(segments.map((f) => f.name));
  const sidecars = new Map<string, File>();
  const ignored: string[] = [];
  const stray: string[] = [];
  for (const f of files) {
    if (SEGMENT_PATTERN.test(f.name)) continue;
    const side = SIDECAR_PATTERN.exec(f.name);
    if (side && names.has(side[1]!)) sidecars.set(side[1]!, f);
    else if (f.name.startsWith('audit-') && !f.name.endsWith('.tmp')) stray.push(f.name);
    else ignored.push(f.name);
  }
  return { segments, sidecars, ignored, stray: stray.sort() };
}

/**
 * Record lines of the files in log order. `sha256` hashes whole segments for their sidecars;
 * `onLine` sees each line's text as it is yielded (the page draws its timeline from them).
 */
export async function* fileRecordLines(
  log: LogFiles,
  sha256: (bytes: Uint8Array) => Uint8Array,
  onLine?: (text: Uint8Array) => void,
): AsyncGenerator<VerifyItem> {
  for (const name of log.stray) {
    yield {
      source: name,
      line: 0,
      problem: 'unexpected file',
      detail: `${name} is named like a part of the log but is not a segment or the sidecar of one (records hidden or removed?)`,
    };
  }
  let linesSoFar = 0;
  for (let si = 0; si < log.segments.length; si++) {
    const seg = log.segments[si]!;
    const isLast = si === log.segments.length - 1;
    const firstSeq = Number(SEGMENT_PATTERN.exec(seg.name)![1]);
    const bytes = new Uint8Array(await seg.arrayBuffer());
    let line = 0;
    for (let start = 0; start < bytes.length; ) {
      line++;
      const nl = bytes.indexOf(0x0a, start);
      const text = bytes.subarray(start, nl < 0 ? bytes.length : nl);
      onLine?.(text);
      yield { source: seg.name, line, text, torn: nl < 0, expectedSeq: line === 1 ? firstSeq : undefined };
      start = nl < 0 ? bytes.length : nl + 1;
    }
    const sidecar = log.sidecars.get(seg.name);
    if (line === 0 && (!isLast || sidecar)) {
      yield { source: seg.name, line: 1, problem: 'empty segment', detail: 'a closed segment holds no records' };
    } else if (line === 0 && firstSeq !== linesSoFar) {
      yield {
        source: seg.name,
        line: 1,
        problem: 'segment name mismatch',
        detail: `an empty segment named for seq ${firstSeq} follows seq ${linesSoFar - 1}`,
      };
    }
    linesSoFar += line;
    if (sidecar) {
      if ((await sidecar.text()) !== sidecarText(seg.name, toHex(sha256(bytes)))) {
        yield {
          source: sidecar.name,
          line: 1,
          problem: 'sidecar mismatch',
          detail: "the segment's SHA-256 differs from its sidecar",
        };
      }
    } else if (!isLast) {
      yield {
        source: sidecarName(seg.name),
        line: 0,
        problem: 'missing sidecar',
        detail: `${seg.name} is followed by a newer segment but its sidecar was not given (or is gone)`,
      };
    }
  }
}
