// SPEC §8 tiles (C2SP tlog-tiles, height 8): which tiles a tree of some size has, their paths
// (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`, N in x-prefixed 3-digit elements) and their
// bytes (hash tiles from the stored hashes, entry bundles of u16be(32) ‖ entry). Browser-safe.
import type { HashSource } from './tree.js';

/** Hashes (or entries) in a full tile. */
export const TILE_WIDTH = 256;
const TILE_HEIGHT = 8;

/** One tile: level L holds tree level 8·L; `width` < 256 marks a partial tile. */
export interface TileRef {
  level: number;
  index: number;
  width: number;
}

/** `<N>` as path elements: 1234067 → `x001/x234/067`, 5 → `005`. */
export function tileIndexPath(n: number): string {
  let s = String(n % 1000).padStart(3, '0');
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000))
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
  return s;
}

function suffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]`. */
export function tilePath(t: TileRef): string {
  return `tile/${t.level}/${tileIndexPath(t.index)}${suffix(t.width)}`;
}

/** `tile/entries/<N>[.p/<W>]`. */
export function entryBundlePath(index: number, width: number): string {
  return `tile/entries/${tileIndexPath(index)}${suffix(width)}`;
}

/** Every hash tile a tree of `size` has (full ones, and the partial one of each level), lowest level first. */
export function tilesFor(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; ; level++) {
    const count = Math.floor(size / TILE_WIDTH ** level); // hashes at tree level 8·level
    if (count === 0) break;
    const full = Math.floor(count / TILE_WIDTH);
    for (let index = 0; index < full; index++) out.push({ level, index, width: TILE_WIDTH });
    if (count % TILE_WIDTH > 0) out.push({ level, index: full, width: count % TILE_WIDTH });
  }
  return out;
}

/** The entry bundles of a tree of `size` (level-0 shaped): full ones, then the partial one. */
export function entryBundlesFor(size: number): TileRef[] {
  return tilesFor(size).filter((t) => t.level === 0);
}

/** A hash tile's bytes: its `width` hashes of tree level 8·L, 32 bytes each. */
export function tileBytes(src: HashSource, t: TileRef): Uint8Array {
  const out = new Uint8Array(32 * t.width);
  for (let j = 0; j < t.width; j++) out.set(src(TILE_HEIGHT * t.level, t.index * TILE_WIDTH + j), 32 * j);
  return out;
}

/** An entry bundle's bytes: each entry as u16be(length) ‖ entry (SPEC §8: length 32, the record hash). */
export function entryBundleBytes(entries: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(entries.reduce((n, e) => n + 2 + e.length, 0));
  let o = 0;
  for (const e of entries) {
    out[o] = e.length >> 8;
    out[o + 1] = e.length & 0xff;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}
