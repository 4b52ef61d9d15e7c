// The audit writer's SPEC §8 tree appends in the addon: one call per written batch, where JS pays
// a node:crypto call (several times the hashing) for each of about two hashes per record.
import { loadNative } from './addon.js';

/** A tree's right edge: the roots of its complete subtrees, largest first (one per set bit of size). */
export type TreeEdge = Uint8Array[];

/**
 * Appends entries (record hashes, 64 lowercase hex each, concatenated) to a tree of `size`
 * entries with right edge `edge`; returns the stored hashes they add (Go sumdb/tlog order, 32
 * bytes each, concatenated) and the new edge.
 */
export type TlogBatchAppend = (
  size: number,
  edge: TreeEdge,
  entriesHex: string,
) => { stored: Uint8Array; edge: TreeEdge };

/** The addon's batch append, or null where the addon does not load (the caller hashes in JS). */
export function nativeTlogAppend(): TlogBatchAppend | null {
  let addon: ReturnType<typeof loadNative>;
  try {
    addon = loadNative();
  } catch {
    return null;
  }
  if (typeof addon.tlogAppend !== 'function') return null; // an older prebuilt binary
  return (size, edge, entriesHex) => {
    const frontier = new Uint8Array(32 * edge.length);
    for (let i = 0; i < edge.length; i++) frontier.set(edge[i]!, 32 * i);
    const out = addon.tlogAppend({ size, frontier, entriesHex });
    const next: TreeEdge = [];
    for (let at = 0; at < out.frontier.length; at += 32) next.push(out.frontier.subarray(at, at + 32));
    return { stored: out.stored, edge: next };
  };
}
