// Files chosen or dropped on the page as a source of an audit log: a thin adapter that gives the
// shared log reading (lib/audit/verify/log-source.ts: segment names, sidecars, stray files) the
// files' names, bytes and text. The directory adapter (lib/audit/verify/directory.ts) is its twin.
import { logLayout, logSourceItems, splitLines, toHex } from '../lib/browser/internal.js';
import type { LogLayout, LogSource, SegmentLine, VerifyItem } from '../lib/browser/internal.js';

export interface LogFiles {
  /** The files' names sorted as a log: segments, stray names, names that are no part of a log. */
  layout: LogLayout;
  byName: Map<string, File>;
}

export function sortLogFiles(files: readonly File[]): LogFiles {
  const byName = new Map(files.map((f) => [f.name, f]));
  return { layout: logLayout(byName.keys()), byName };
}

/**
 * Record lines of the files in log order. `sha256` hashes whole segments for their sidecars;
 * `onLine` sees each line's text as it is yielded (the page draws its timeline from them).
 */
export function fileRecordLines(
  log: LogFiles,
  sha256: (bytes: Uint8Array) => Uint8Array,
  onLine?: (text: Uint8Array) => void,
): AsyncGenerator<VerifyItem> {
  const file = (name: string) => log.byName.get(name)!;
  const source: LogSource = {
    names: log.byName.keys(),
    segment(name) {
      let bytes = new Uint8Array(0);
      async function* lines(): AsyncGenerator<SegmentLine> {
        bytes = new Uint8Array(await file(name).arrayBuffer());
        for (const line of splitLines(bytes)) {
          onLine?.(line.bytes);
          yield line;
        }
      }
      return { lines: lines(), sha256Hex: () => toHex(sha256(bytes)) };
    },
    text: (name) => file(name).text(),
  };
  return logSourceItems(source, log.layout);
}
