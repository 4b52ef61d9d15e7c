// Refusing work that cannot fit on the disk before writing a byte of it (`demo --size 1TB` wrote
// until the disk was full), with the numbers in the message.
import { statfsSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { humanBytes } from './units.js';

/** Room kept beyond the file itself: the seal record, the audit log, and whatever else needs the disk. */
const MARGIN_BYTES = 64 * 2 ** 20;

/** Bytes free to this user on the file system holding `dir`, or null when it cannot be told. */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

/** Throws E_ARG naming `flag` when `bytes` (plus a margin) will not fit in `dir`. */
export function checkFreeSpace(dir: string, bytes: number, flag: string, free = freeBytes(dir)): void {
  if (free === null || bytes + MARGIN_BYTES <= free) return;
  throw new InvalidArgumentError(
    flag,
    `the demo's model file needs ${humanBytes(bytes)} (plus ${humanBytes(MARGIN_BYTES)} for its records) but ${dir} has ${humanBytes(free)} free: choose a smaller --size, or --dir on a disk with room`,
  );
}
