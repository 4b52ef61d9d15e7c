// Comparing secrets-derived bytes (MACs, epoch tags, digests) without an early exit, so the time a
// comparison takes does not reveal where two values first differ. Browser-safe.
import { isHex, fromHex } from './hex.js';

/**
 * True when `a` and `b` hold the same bytes. Every byte is visited whatever the first difference;
 * only the lengths (which are public: a digest's length is its algorithm's) end it early.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** `constantTimeEqual(bytes, fromHex(hex))`, false (not a throw) when `hex` is not lowercase hex of whole bytes. */
export function equalsHex(bytes: Uint8Array, hex: string): boolean {
  return typeof hex === 'string' && isHex(hex) && constantTimeEqual(bytes, fromHex(hex));
}
