// `audit tiles`: the log as C2SP tlog-tiles static files (SPEC §8) under an output directory — the
// newest v2 checkpoint as `checkpoint`, hash tiles (with the partial ones its size needs) and entry
// bundles — incrementally: full tiles already written are kept, only new ones are added.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AuditLogCorruptError, InvalidArgumentError } from '../../errors.js';
import { lineHash, recordLinesFrom } from '../write/segment-scan.js';
import { TreeFile } from '../write/tree-file.js';
import {
  entryBundleBytes,
  entryBundlePath,
  entryBundlesFor,
  tileBytes,
  tilePath,
  tilesFor,
  TILE_WIDTH,
} from '../tlog/tiles.js';
import { hexToBytes } from '../tlog/proof-file.js';
import { constantTimeEqual } from '../../formats/constant-time.js';
import { v2Checkpoint } from './prove.js';
import { assertString } from '../../formats/args.js';

/** What a run wrote. */
export interface TilesResult {
  size: number;
  /** Tile and bundle files written now (the checkpoint not counted). */
  written: number;
  /** Full tiles and bundles that were already there. */
  kept: number;
}

function writeAtomic(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

/** Writes (or brings up to date) the tiles of the log in `dir` at its newest v2 checkpoint under `out`. */
export function writeTiles(dir: string, out: string, progress?: (done: number, total: number) => void): TilesResult {
  assertString(dir, 'dir');
  assertString(out, 'out');
  const note = v2Checkpoint(dir);
  if (!note) throw new InvalidArgumentError('dir', `${dir} holds no v2 checkpoint (checkpoints/*.note) to publish`);
  const tree = TreeFile.openForReader(dir, note.size);
  let written = 0;
  let kept = 0;
  try {
    if (!constantTimeEqual(tree.root(note.size), note.cp.root))
      throw new AuditLogCorruptError(
        `the log in ${dir} does not have the tree root ${note.file} signed; run audit verify`,
      );
    const tiles = tilesFor(note.size);
    tiles.forEach((t, i) => {
      const path = join(out, tilePath(t));
      if (t.width === TILE_WIDTH && existsSync(path)) kept++;
      else {
        writeAtomic(path, tileBytes(tree.source, t));
        written++;
      }
      if (i > 0 && i % 4096 === 0) progress?.(i, tiles.length);
    });
  } finally {
    tree.close();
  }
  const bundles = entryBundlesFor(note.size).filter((b) => {
    const there = b.width === TILE_WIDTH && existsSync(join(out, entryBundlePath(b.index, b.width)));
    if (there) kept++;
    return !there;
  });
  if (bundles.length > 0) {
    let entries: Uint8Array[] = [];
    let bundle = 0;
    for (const { seq, line } of recordLinesFrom(dir, bundles[0]!.index * TILE_WIDTH)) {
      const b = bundles[bundle]!;
      if (seq < b.index * TILE_WIDTH) continue;
      entries.push(hexToBytes(lineHash(line, `record ${seq}`)));
      if (entries.length === b.width) {
        writeAtomic(join(out, entryBundlePath(b.index, b.width)), entryBundleBytes(entries));
        written++;
        entries = [];
        if (++bundle === bundles.length) break;
      }
    }
    if (bundle < bundles.length) throw new AuditLogCorruptError(`the log in ${dir} ends before the checkpoint's size`);
  }
  writeAtomic(join(out, 'checkpoint'), note.text);
  return { size: note.size, written, kept };
}
