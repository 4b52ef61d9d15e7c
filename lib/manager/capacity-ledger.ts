// Capacity accounting for one device. Reservations are taken synchronously, so concurrent seals
// on the single JS thread can never over-commit: reserve → allocate → commit, or release.
import { InsufficientVramError } from '../errors.js';

export interface Capacity {
  /** Device memory in total. */
  total: number;
  /** Device memory the device reports free right now. */
  free: number;
  /** Bytes held by live shards of this manager. */
  used: number;
  /** Bytes promised to seals still in flight. */
  reserved: number;
  /** The most this manager may hold at once (min of device total and maxTotalBytes). */
  max: number;
}

export class CapacityLedger {
  #used = 0;
  #reserved = 0;

  constructor(
    private readonly memInfo: () => { free: number; total: number },
    private readonly maxTotalBytes: number,
  ) {}

  /** Bytes a new reservation may take now. Reserved bytes are not yet allocated, so they still show as free on the device. */
  available(): number {
    const { free, total } = this.memInfo();
    const byManager = Math.min(total, this.maxTotalBytes) - this.#used - this.#reserved;
    return Math.max(0, Math.min(free - this.#reserved, byManager));
  }

  reserve(bytes: number): Reservation {
    const available = this.available();
    if (bytes > available) throw new InsufficientVramError(bytes, available);
    this.#reserved += bytes;
    let open = true;
    return {
      bytes,
      commit: () => {
        if (!open) return;
        open = false;
        this.#reserved -= bytes;
        this.#used += bytes;
      },
      cancel: () => {
        if (!open) return;
        open = false;
        this.#reserved -= bytes;
      },
    };
  }

  /** Bytes held by committed allocations (needs no device call, so it works while closing). */
  get used(): number {
    return this.#used;
  }

  /** A committed shard's bytes were freed. */
  released(bytes: number): void {
    this.#used -= bytes;
  }

  snapshot(): Capacity {
    const { free, total } = this.memInfo();
    return { total, free, used: this.#used, reserved: this.#reserved, max: Math.min(total, this.maxTotalBytes) };
  }
}

export interface Reservation {
  readonly bytes: number;
  /** The allocation exists: the bytes move from reserved to used. */
  commit(): void;
  /** The seal failed before allocating or after freeing: give the bytes back. */
  cancel(): void;
}
