// Streaming SHA-256 over a 128-byte context in linear memory:
//   [0, 32) state words · [32, 40) total bytes (u64) · [40, 44) buffered bytes · [64, 128) block buffer
import { compress } from './sha256-rounds';

const TOTAL: usize = 32;
const BUFFERED: usize = 40;
const BUF: usize = 64;

/** FIPS 180-4 initial hash value H(0), as 8 words at `state`. */
@inline
export function storeInitialState(state: usize): void {
  store<u32>(state, 0x6a09e667, 0);
  store<u32>(state, 0xbb67ae85, 4);
  store<u32>(state, 0x3c6ef372, 8);
  store<u32>(state, 0xa54ff53a, 12);
  store<u32>(state, 0x510e527f, 16);
  store<u32>(state, 0x9b05688c, 20);
  store<u32>(state, 0x1f83d9ab, 24);
  store<u32>(state, 0x5be0cd19, 28);
}

export function shaInit(ctx: usize): void {
  storeInitialState(ctx);
  store<u64>(ctx, 0, TOTAL);
  store<u32>(ctx, 0, BUFFERED);
}

export function shaUpdate(ctx: usize, p: usize, len: usize): void {
  store<u64>(ctx, load<u64>(ctx, TOTAL) + <u64>len, TOTAL);
  let buffered = <usize>load<u32>(ctx, BUFFERED);
  if (buffered != 0) {
    const take = min<usize>(64 - buffered, len);
    memory.copy(ctx + BUF + buffered, p, take);
    buffered += take;
    p += take;
    len -= take;
    if (buffered < 64) {
      store<u32>(ctx, <u32>buffered, BUFFERED);
      return;
    }
    compress(ctx, ctx + BUF);
    buffered = 0;
  }
  // Whole blocks straight from the caller's bytes (unaligned loads are fine in WASM).
  while (len >= 64) {
    compress(ctx, p);
    p += 64;
    len -= 64;
  }
  if (len != 0) memory.copy(ctx + BUF, p, len);
  store<u32>(ctx, <u32>len, BUFFERED);
}

/** Pads, writes the 32-byte digest to `out` and wipes the context. */
export function shaFinal(ctx: usize, out: usize): void {
  const buffered = <usize>load<u32>(ctx, BUFFERED);
  const bits = load<u64>(ctx, TOTAL) << 3;
  store<u8>(ctx + BUF + buffered, 0x80);
  if (buffered >= 56) {
    memory.fill(ctx + BUF + buffered + 1, 0, 63 - buffered);
    compress(ctx, ctx + BUF);
    memory.fill(ctx + BUF, 0, 56);
  } else {
    memory.fill(ctx + BUF + buffered + 1, 0, 55 - buffered);
  }
  store<u64>(ctx + BUF, bswap<u64>(bits), 56);
  compress(ctx, ctx + BUF);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(ctx + i)));
  memory.fill(ctx, 0, 128);
}

export function sha256(p: usize, len: usize, out: usize, ctx: usize): void {
  shaInit(ctx);
  shaUpdate(ctx, p, len);
  shaFinal(ctx, out);
}
