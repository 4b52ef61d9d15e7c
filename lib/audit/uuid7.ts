// UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits. Within one
// generator ids are strictly increasing (method 3 of §6.2: the 12-bit rand_a field is a counter
// seeded randomly each millisecond), so the log's ids sort in emission order and never repeat
// even when thousands are drawn in the same millisecond. Random bytes come from a pooled
// crypto.randomFillSync buffer so an id costs no system call on the hot path.
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 16 * 512;
const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Uuid7Generator {
  private pool = Buffer.alloc(POOL_SIZE);
  private poolPos = POOL_SIZE;
  private lastMs = -1;
  private counter = 0;

  private random(n: number): Buffer {
    if (this.poolPos + n > POOL_SIZE) {
      randomFillSync(this.pool);
      this.poolPos = 0;
    }
    const out = this.pool.subarray(this.poolPos, this.poolPos + n);
    this.poolPos += n;
    return out;
  }

  /** An id for time `ms`; if the clock stands still or steps back the previous millisecond is reused with the counter advanced. */
  next(ms: number): string {
    let t = Math.max(Math.floor(ms), 0);
    const r = this.random(10);
    if (t <= this.lastMs) {
      t = this.lastMs;
      this.counter++;
      if (this.counter > 0xfff) {
        // Counter exhausted within one millisecond: borrow the next millisecond (RFC 9562 §6.2).
        t = ++this.lastMs;
        this.counter = (r[0]! << 4) & 0x7ff;
      }
    } else {
      this.lastMs = t;
      // Seed below 0x800 so at least 2048 more ids fit in this millisecond.
      this.counter = ((r[0]! << 8) | r[1]!) & 0x7ff;
    }
    const b = new Uint8Array(16);
    // 48-bit big-endian milliseconds (split because bit operators work on 32 bits).
    const hi = Math.floor(t / 2 ** 32);
    const lo = t >>> 0;
    b[0] = (hi >>> 8) & 0xff;
    b[1] = hi & 0xff;
    b[2] = lo >>> 24;
    b[3] = (lo >>> 16) & 0xff;
    b[4] = (lo >>> 8) & 0xff;
    b[5] = lo & 0xff;
    b[6] = 0x70 | (this.counter >>> 8);
    b[7] = this.counter & 0xff;
    b[8] = 0x80 | (r[2]! & 0x3f);
    for (let i = 9; i < 16; i++) b[i] = r[i - 6]!;
    let s = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
      s += hex[b[i]!]!;
    }
    return s;
  }
}

export const UUID7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds embedded in a UUIDv7. */
export function uuid7Millis(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
