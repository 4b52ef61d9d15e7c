// Streaming mth-sha256 (SPEC §1 = RFC 6962 §2.1 over fixed-size leaves).
// A stream slot holds a scalar context for a leaf that straddles two absorb calls, counters, and a
// stack of perfect-subtree roots: after leaf number c the stack holds one root per set bit of c,
// largest first, so memory is O(log n) however long the stream. Slot layout:
//   [0, 128) leaf context · 128 leaf size (u32) · 136 bytes in open leaf (u64) · 144 leaves done (u64)
//   [256, 256 + 64·32) subtree roots
import { compress } from './sha256-rounds';
import { shaFinal, shaInit, shaUpdate, storeInitialState } from './sha256';
import { leafHash4 } from './sha256x4';
import { BYTE, CTX_LEAF, LEAF4_OUT, NODE_MSG, NODE_STATE, TMP_HASH } from './layout';

const LEAF_SIZE: usize = 128;
const OPEN_BYTES: usize = 136;
const LEAVES: usize = 144;
const STACK: usize = 256;

/** nodeHash(a, b) = SHA-256(0x01 ‖ a ‖ b): two fixed blocks, no context needed. `out` may alias a or b. */
export function nodeHash(a: usize, b: usize, out: usize): void {
  const m = NODE_MSG;
  store<u8>(m, 1);
  memory.copy(m + 1, a, 32);
  memory.copy(m + 33, b, 32); // byte 64 (b's last) begins block 2
  store<u8>(m + 65, 0x80);
  memory.fill(m + 66, 0, 54);
  store<u64>(m + 120, bswap<u64>(65 * 8));
  const s = NODE_STATE;
  storeInitialState(s);
  compress(s, m);
  compress(s, m + 64);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(s + i)));
}

/** leafHash(d) = SHA-256(0x00 ‖ d), scalar. */
export function leafHash(p: usize, len: usize, out: usize): void {
  store<u8>(BYTE, 0);
  shaInit(CTX_LEAF);
  shaUpdate(CTX_LEAF, BYTE, 1);
  shaUpdate(CTX_LEAF, p, len);
  shaFinal(CTX_LEAF, out);
}

export function mthInit(slot: usize, leafSize: u32): void {
  memory.fill(slot, 0, STACK);
  store<u32>(slot, leafSize, LEAF_SIZE);
}

/** Appends one leaf hash, merging equal-height subtrees (one merge per trailing zero of the new count). */
export function pushLeafHash(slot: usize, hash: usize): void {
  let count = load<u64>(slot, LEAVES);
  let depth = <usize>popcnt<u64>(count);
  memory.copy(slot + STACK + (depth << 5), hash, 32);
  depth++;
  count++;
  for (let merges = ctz<u64>(count); merges > 0; merges--) {
    const right = slot + STACK + ((depth - 1) << 5);
    const left = right - 32;
    nodeHash(left, right, left);
    depth--;
  }
  store<u64>(slot, count, LEAVES);
}

// @ts-ignore: decorator
@inline function emit(slot: usize, hash: usize, emitTo: usize, emitted: u32): u32 {
  pushLeafHash(slot, hash);
  if (emitTo != 0) memory.copy(emitTo + (<usize>emitted << 5), hash, 32);
  return emitted + 1;
}

/**
 * Absorbs `len` bytes at `p`. Leaves completed by this call are pushed to the tree and, when
 * `emitTo` is not 0, also written there as 32-byte hashes. Returns how many leaves completed.
 */
export function mthAbsorb(slot: usize, p: usize, len: usize, emitTo: usize): u32 {
  const leafSize = <usize>load<u32>(slot, LEAF_SIZE);
  let emitted: u32 = 0;
  let open = load<u64>(slot, OPEN_BYTES);
  if (open != 0) {
    const take = min<usize>(leafSize - <usize>open, len);
    shaUpdate(slot, p, take);
    open += take;
    p += take;
    len -= take;
    if (open < <u64>leafSize) {
      store<u64>(slot, open, OPEN_BYTES);
      return 0;
    }
    shaFinal(slot, TMP_HASH);
    emitted = emit(slot, TMP_HASH, emitTo, emitted);
    open = 0;
  }
  const four = leafSize << 2;
  while (len >= four) {
    leafHash4(p, leafSize, LEAF4_OUT);
    for (let i: usize = 0; i < 4; i++) emitted = emit(slot, LEAF4_OUT + (i << 5), emitTo, emitted);
    p += four;
    len -= four;
  }
  while (len >= leafSize) {
    leafHash(p, leafSize, TMP_HASH);
    emitted = emit(slot, TMP_HASH, emitTo, emitted);
    p += leafSize;
    len -= leafSize;
  }
  if (len != 0) {
    store<u8>(BYTE, 0);
    shaInit(slot);
    shaUpdate(slot, BYTE, 1);
    shaUpdate(slot, p, len);
    open = <u64>len;
  }
  store<u64>(slot, open, OPEN_BYTES);
  return emitted;
}

/** Closes a short last leaf if one is open (its hash also goes to `emitTo` when not 0); returns 1 if it did. */
export function mthCloseLeaf(slot: usize, emitTo: usize): u32 {
  if (load<u64>(slot, OPEN_BYTES) == 0) return 0;
  shaFinal(slot, TMP_HASH);
  store<u64>(slot, 0, OPEN_BYTES);
  return emit(slot, TMP_HASH, emitTo, 0);
}

/** Root of everything absorbed (closing an open last leaf) to `out`; no leaves → SHA-256(""). */
export function mthFinal(slot: usize, out: usize): void {
  mthCloseLeaf(slot, 0);
  const count = load<u64>(slot, LEAVES);
  if (count == 0) {
    shaInit(slot);
    shaFinal(slot, out);
    return;
  }
  // Fold the subtree roots right to left: node(root_0, node(root_1, … root_top)).
  let i = <usize>popcnt<u64>(count) - 1;
  memory.copy(TMP_HASH, slot + STACK + (i << 5), 32);
  while (i > 0) {
    i--;
    nodeHash(slot + STACK + (i << 5), TMP_HASH, TMP_HASH);
  }
  memory.copy(out, TMP_HASH, 32);
  memory.fill(slot, 0, STACK + (64 << 5));
}
