// Reading record lines and acks in place, once per record: byte loops instead of strings, regular
// expressions or Buffer.compare, whose argument checks and native call cost several times the
// work for the few dozen bytes compared here.

/** a[aAt…aAt+length) equals b[bAt…bAt+length) (both in range). */
export function sameBytes(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/** `marker` lies in `d` at `at`. */
export function bytesAt(d: Uint8Array, at: number, marker: Uint8Array): boolean {
  return at >= 0 && at + marker.length <= d.length && sameBytes(d, at, marker, 0, marker.length);
}

/**
 * The decimal integer written at `at` as JSON writes one (no leading zero, at most 16 digits:
 * every safe integer), and where its digits end; null when there is none.
 */
export function decimalAt(d: Uint8Array, at: number): { value: number; end: number } | null {
  let i = at;
  let value = 0;
  // (byte - 0x30) first: value * 10 + byte would pass 2^53 before the subtraction above 2^52.
  for (; i < d.length && d[i]! >= 0x30 && d[i]! <= 0x39 && i - at < 16; i++) value = value * 10 + (d[i]! - 0x30);
  if (i === at || (d[at] === 0x30 && i > at + 1) || !Number.isSafeInteger(value)) return null;
  return { value, end: i };
}
