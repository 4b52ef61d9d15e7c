// UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits. Within one
// generator ids are strictly increasing (method 3 of §6.2: the 12-bit rand_a field is a counter
// seeded randomly each millisecond), so the log's ids sort in emission order and never repeat
// even when thousands are drawn in the same millisecond. Random bytes come from a pooled
// Web Crypto getRandomValues buffer so an id costs no system call on the hot path (and the module
// stays importable in browsers, where the verifier uses UUID7_PATTERN).
import { assertString } from '../../formats/args.js';

const POOL_SIZE = 16 * 512;
const HEX_CODES: number[] = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));
const DASH = 0x2d;

/** Writes `digits` lowercase hex digits of `v` (below 2^32) as character codes from `at`. */
function putHex(c: number[], at: number, v: number, digits: number): void {
  for (let i = digits - 1; i >= 0; i--) {
    c[at + i] = HEX_CODES[v & 15]!;
    v >>>= 4;
  }
}

/**
 * UUIDv7 ids (RFC 9562) that strictly increase within one generator, even thousands per
 * millisecond: the audit records' `id`.
 */
export class Uuid7Generator {
  #pool = new Uint8Array(POOL_SIZE);
  #poolPos = POOL_SIZE;
  #lastMs = -1;
  #counter = 0;
  /** The id's 36 character codes, dashes in place. */
  readonly #codes: number[] = Array.from({ length: 36 }, (_, i) =>
    i === 8 || i === 13 || i === 18 || i === 23 ? DASH : 0,
  );

  /** Offset of n fresh random bytes in the pool (no subarray: creating Buffer views is slow). */
  #random(n: number): number {
    if (this.#poolPos + n > POOL_SIZE) {
      globalThis.crypto.getRandomValues(this.#pool);
      this.#poolPos = 0;
    }
    const at = this.#poolPos;
    this.#poolPos += n;
    return at;
  }

  /** An id for time `ms`; if the clock stands still or steps back the previous millisecond is reused with the counter advanced. */
  next(ms: number): string {
    let t = Math.max(Math.floor(ms), 0);
    const p = this.#pool;
    const o = this.#random(10);
    if (t <= this.#lastMs) {
      t = this.#lastMs;
      this.#counter++;
      if (this.#counter > 0xfff) {
        // Counter exhausted within one millisecond: borrow the next millisecond (RFC 9562 §6.2).
        t = ++this.#lastMs;
        this.#counter = (p[o]! << 4) & 0x7ff;
      }
    } else {
      this.#lastMs = t;
      // Seed below 0x800 so at least 2048 more ids fit in this millisecond.
      this.#counter = ((p[o]! << 8) | p[o + 1]!) & 0x7ff;
    }
    // Character codes written into a reused array and made into one flat string: a string
    // concatenated from 16 pieces costs more to build, and again each time it is hashed or written.
    const c = this.#codes;
    putHex(c, 0, Math.floor(t / 0x10000), 8);
    putHex(c, 9, t % 0x10000, 4);
    putHex(c, 14, 0x7000 | this.#counter, 4);
    putHex(c, 19, 0x80 | (p[o + 2]! & 0x3f), 2);
    putHex(c, 21, p[o + 3]!, 2);
    for (let i = 0; i < 6; i++) putHex(c, 24 + 2 * i, p[o + 4 + i]!, 2);
    return String.fromCharCode.apply(null, c);
  }
}

export const UUID7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds embedded in a UUIDv7. */
export function uuid7Millis(id: string): number {
  assertString(id, 'id');
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
