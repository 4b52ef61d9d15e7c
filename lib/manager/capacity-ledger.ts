// Capacity accounting for one device. Reservations are taken synchronously, so concurrent seals
// on the single JS thread can never over-commit: reserve → allocate → commit, or release.
import { InsufficientVramError, VramResidencyError } from '../errors.js';
import type { Allocation } from '../native/index.js';

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

  readonly #memInfo: () => { free: number; total: number };
  readonly #maxTotalBytes: number;

  constructor(memInfo: () => { free: number; total: number }, maxTotalBytes: number) {
    this.#memInfo = memInfo;
    this.#maxTotalBytes = maxTotalBytes;
  }

  /** Bytes a new reservation may take now. Reserved bytes are not yet allocated, so they still show as free on the device. */
  available(): number {
    const { free, total } = this.#memInfo();
    const byManager = Math.min(total, this.#maxTotalBytes) - this.#used - this.#reserved;
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
    const { free, total } = this.#memInfo();
    return { total, free, used: this.#used, reserved: this.#reserved, max: Math.min(total, this.#maxTotalBytes) };
  }
}

export interface Reservation {
  readonly bytes: number;
  /** The allocation exists: the bytes move from reserved to used. */
  commit(): void;
  /** The seal failed before allocating or after freeing: give the bytes back. */
  cancel(): void;
}

/**
 * Reserve, then allocate. A shortage (by accounting, or the device refusing) is reported through
 * `onShort` (the manager audits it) and thrown as the retriable InsufficientVramError.
 */
export async function allocateWithin(
  ledger: CapacityLedger,
  size: number,
  allocate: (bytes: number) => Promise<Allocation>,
  onShort: (availableBytes: number, reason: string) => void,
): Promise<Allocation> {
  let reservation: Reservation;
  try {
    reservation = ledger.reserve(size);
  } catch (error) {
    if (error instanceof InsufficientVramError) onShort(error.availableBytes, 'insufficient capacity');
    throw error;
  }
  try {
    const allocation = await allocate(size);
    reservation.commit();
    return allocation;
  } catch (error) {
    reservation.cancel();
    if (error instanceof VramResidencyError && error.code === 'E_OUT_OF_MEMORY') {
      const available = ledger.available();
      onShort(available, 'device out of memory');
      throw new InsufficientVramError(
        size,
        available,
        `the device could not allocate ${size} bytes (${available} available by accounting); release shards and retry`,
      );
    }
    throw error;
  }
}
