// Leaf hashing four leaves at a time: lane i of every v128 carries leaf i's SHA-256 computation.
// A leaf hash is SHA-256(0x00 ‖ leaf), so message block j of a leaf starts one byte before the
// leaf's byte 64·j; the byte loaded before block 0 is masked to the 0x00 prefix.
import { compress4 } from './sha256-rounds';
import { STATE4, W4 } from './layout';

// Byte order reversal within each 32-bit lane as a one-instruction swizzle (pshufb): V8 lowers
// the equivalent i8x16.shuffle to five word shuffles and shifts.
const BSWAP32 = memory.data<u8>([3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12], 16);

// @ts-ignore: decorator
@inline function bswapLanes(v: v128): v128 {
  return i8x16.swizzle(v, v128.load(BSWAP32));
}

/** Loads 64 bytes at base + i·stride for lanes i = 0..3 and stores them as 16 word vectors. */
// @ts-ignore: decorator
@inline function loadTransposed(base: usize, stride: usize): void {
  const p0 = base;
  const p1 = base + stride;
  const p2 = p1 + stride;
  const p3 = p2 + stride;
  for (let q: usize = 0; q < 64; q += 16) {
    const a = bswapLanes(v128.load(p0 + q));
    const b = bswapLanes(v128.load(p1 + q));
    const c = bswapLanes(v128.load(p2 + q));
    const d = bswapLanes(v128.load(p3 + q));
    const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
    const w = W4 + (q << 2);
    v128.store(w, i32x4.shuffle(t0, t2, 0, 1, 4, 5), 0);
    v128.store(w, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
    v128.store(w, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
    v128.store(w, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
  }
}

/** leafHash of the 4 consecutive leaves of `leafSize` bytes at `p` (leafSize a multiple of 64), 4×32 bytes to `out`. */
export function leafHash4(p: usize, leafSize: usize, out: usize): void {
  v128.store(STATE4, i32x4.splat(0x6a09e667), 0);
  v128.store(STATE4, i32x4.splat(0xbb67ae85), 16);
  v128.store(STATE4, i32x4.splat(0x3c6ef372), 32);
  v128.store(STATE4, i32x4.splat(0xa54ff53a), 48);
  v128.store(STATE4, i32x4.splat(0x510e527f), 64);
  v128.store(STATE4, i32x4.splat(0x9b05688c), 80);
  v128.store(STATE4, i32x4.splat(0x1f83d9ab), 96);
  v128.store(STATE4, i32x4.splat(0x5be0cd19), 112);

  // Block 0: the prefix byte and the leaf's first 63 bytes.
  loadTransposed(p - 1, leafSize);
  v128.store(W4, v128.and(v128.load(W4), i32x4.splat(0x00ffffff)));
  compress4(STATE4, W4);
  const end = p + leafSize - 1;
  for (let q = p + 63; q < end; q += 64) {
    loadTransposed(q, leafSize);
    compress4(STATE4, W4);
  }
  // Final block: the leaf's last byte, 0x80, zeros, bit length of (1 + leafSize) bytes.
  let last = i32x4.splat(0);
  last = i32x4.replace_lane(last, 0, <i32>load<u8>(end));
  last = i32x4.replace_lane(last, 1, <i32>load<u8>(end + leafSize));
  last = i32x4.replace_lane(last, 2, <i32>load<u8>(end + 2 * leafSize));
  last = i32x4.replace_lane(last, 3, <i32>load<u8>(end + 3 * leafSize));
  v128.store(W4, v128.or(i32x4.shl(last, 24), i32x4.splat(0x00800000)), 0);
  const zero = i32x4.splat(0);
  for (let i: usize = 1; i < 14; i++) v128.store(W4 + (i << 4), zero);
  const bits = (<u64>leafSize + 1) << 3;
  v128.store(W4, i32x4.splat(<i32>(bits >> 32)), 224);
  v128.store(W4, i32x4.splat(<i32>bits), 240);
  compress4(STATE4, W4);

  // Lane i → leaf i's digest, big-endian words.
  for (let i: usize = 0; i < 8; i++) {
    const v = bswapLanes(v128.load(STATE4 + (i << 4)));
    store<u32>(out + (i << 2), i32x4.extract_lane(v, 0));
    store<u32>(out + 32 + (i << 2), i32x4.extract_lane(v, 1));
    store<u32>(out + 64 + (i << 2), i32x4.extract_lane(v, 2));
    store<u32>(out + 96 + (i << 2), i32x4.extract_lane(v, 3));
  }
}
