// UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits. Within one
// generator ids are strictly increasing (method 3 of §6.2: the 12-bit rand_a field is a counter
// seeded randomly each millisecond), so the log's ids sort in emission order and never repeat
// even when thousands are drawn in the same millisecond. Random bytes come from a pooled
// Web Crypto getRandomValues buffer so an id costs no system call on the hot path (and the module
// stays importable in browsers, where the verifier uses UUID7_PATTERN).
import { assertString } from '../../formats/args.js';

const POOL_SIZE = 16 * 512;
const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * UUIDv7 ids (RFC 9562) that strictly increase within one generator, even thousands per
 * millisecond: the audit records' `id`.
 */
export class Uuid7Generator {
  #pool = new Uint8Array(POOL_SIZE);
  #poolPos = POOL_SIZE;
  #lastMs = -1;
  #counter = 0;

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
    // Hex text straight from numbers and the pooled random bytes: no per-id allocation of a byte array.
    const tsHex = t.toString(16).padStart(12, '0');
    const rest = hex[0x80 | (p[o + 2]! & 0x3f)]! + hex[p[o + 3]!]!;
    return (
      tsHex.slice(0, 8) +
      '-' +
      tsHex.slice(8, 12) +
      '-' +
      (0x7000 | this.#counter).toString(16) +
      '-' +
      rest +
      '-' +
      hex[p[o + 4]!]! +
      hex[p[o + 5]!]! +
      hex[p[o + 6]!]! +
      hex[p[o + 7]!]! +
      hex[p[o + 8]!]! +
      hex[p[o + 9]!]!
    );
  }
}

export const UUID7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds embedded in a UUIDv7. */
export function uuid7Millis(id: string): number {
  assertString(id, 'id');
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
