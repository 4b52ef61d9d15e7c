// SPEC §6 epoch arithmetic, key ratchet and seal tags. Browser-safe: HMAC-SHA256 is injected
// (node:crypto in Node, the WASM module in browsers), so the writer and every verifier share it.
import { fromHex, toHex } from '../../formats/hex.js';

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
// The tag's input, reused (a writer after a long gap tags every missed epoch; a typed array over
// 64 bytes costs more to allocate than the HMAC). The hmac reads it synchronously.
const tagInput = new Uint8Array(TAG_PREFIX.length + 8 + 32);
tagInput.set(TAG_PREFIX, 0);
const tagView = new DataView(tagInput.buffer);

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

/** HMAC-SHA256(Ke, "vram-residency.audit.epoch.v1" 0x00 u64be(e) prev32): the tag's bytes, as checks compare them. */
export function epochTagBytes(hmac: HmacSha256, key: Uint8Array, epoch: number, prevHex: string): Uint8Array {
  tagView.setBigUint64(TAG_PREFIX.length, BigInt(epoch), false);
  tagInput.set(fromHex(prevHex), TAG_PREFIX.length + 8);
  return hmac(key, tagInput);
}

/** tag = hex(HMAC-SHA256(Ke, "vram-residency.audit.epoch.v1" 0x00 u64be(e) prev32)), as a seal record carries it. */
export function epochTag(hmac: HmacSha256, key: Uint8Array, epoch: number, prevHex: string): string {
  return toHex(epochTagBytes(hmac, key, epoch, prevHex));
}
