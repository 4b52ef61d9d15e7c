// SPEC §6 epoch arithmetic, key ratchet and seal tags. Browser-safe: HMAC-SHA256 is injected
// (node:crypto in Node, the WASM module in browsers), so the writer and every verifier share it.
import { toHex } from '../../formats/hex.js';

export const RATCHET_LABEL = 'vram-residency/audit-ratchet/v1';
export const TAG_LABEL = 'vram-residency.audit.epoch.v1';
export const EPOCH_SEALED = 'audit.epoch_sealed';
export const MAX_EPOCH_SECONDS = 86400;

/** A synchronous HMAC-SHA256 (injected so the verifier core stays browser-safe). */
export type HmacSha256 = (key: Uint8Array, data: Uint8Array) => Uint8Array;

/** What places a time in an epoch: T0 (ms since the Unix epoch) and the epoch length E in seconds. */
export interface EpochClock {
  readonly start: number;
  readonly epochSeconds: number;
}

const ascii = (s: string) => new TextEncoder().encode(s);
const RATCHET_INPUT = ascii(RATCHET_LABEL);
const TAG_PREFIX = ascii(TAG_LABEL + '\0');

/** The epoch holding time `ms` (negative before T0). */
export function epochOf(clock: EpochClock, ms: number): number {
  return Math.floor((ms - clock.start) / (clock.epochSeconds * 1000));
}

/** First millisecond of epoch `e`. */
export function epochStart(clock: EpochClock, e: number): number {
  return clock.start + e * clock.epochSeconds * 1000;
}

/** K(e+1) = HMAC-SHA256(Ke, "vram-residency/audit-ratchet/v1"). The caller erases Ke. */
export function ratchet(hmac: HmacSha256, key: Uint8Array): Uint8Array {
  return hmac(key, RATCHET_INPUT);
}

/** tag = hex(HMAC-SHA256(Ke, "vram-residency.audit.epoch.v1" 0x00 u64be(e) prev32)). */
export function epochTag(hmac: HmacSha256, key: Uint8Array, epoch: number, prevHex: string): string {
  const input = new Uint8Array(TAG_PREFIX.length + 8 + 32);
  input.set(TAG_PREFIX, 0);
  new DataView(input.buffer).setBigUint64(TAG_PREFIX.length, BigInt(epoch), false);
  input.set(hexBytes(prevHex), TAG_PREFIX.length + 8);
  return toHex(hmac(key, input));
}

/** Bytes of lowercase or uppercase hex text (the callers have checked it is hex of even length). */
export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++)
    out[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  return out;
}

// '0'-'9' → 0-9, 'a'-'f' and 'A'-'F' → 10-15 (called once per hex digit of every seal: kept branch-light).
const nibble = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
