// Lowercase hex, the one text form of digests, MACs and key ids in every format here, and its
// decoding back to bytes (for comparing digests as bytes and for keys kept as hex).
import { InvalidArgumentError } from '../errors.js';

const EVEN_LOWER_HEX = /^(?:[0-9a-f]{2})*$/;
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Bytes → lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_HEX[bytes[i]!];
  return s;
}

/** True when `text` is lowercase hex of whole bytes (the only form {@link fromHex} takes). */
export function isHex(text: string): boolean {
  return EVEN_LOWER_HEX.test(text);
}

/** Lowercase hex → bytes. Throws E_ARG for anything else (callers pass text their format already checked). */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !isHex(hex)) {
    throw new InvalidArgumentError('hex', 'must be lowercase hexadecimal of whole bytes');
  }
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++)
    out[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  return out;
}

// '0'-'9' → 0-9, 'a'-'f' → 10-15 (the text is checked first; called per digit of every seal: branch-light).
const nibble = (c: number): number => (c <= 0x39 ? c - 0x30 : c - 0x57);
