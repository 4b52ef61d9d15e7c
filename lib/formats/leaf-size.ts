import { InvalidArgumentError } from '../errors.js';

/** SPEC §1 default leaf size: 64 KiB. */
export const DEFAULT_LEAF_SIZE = 65536;
export const MIN_LEAF_SIZE = 4096;
export const MAX_LEAF_SIZE = 16777216;

/** A power of two in 4096 … 16777216 (SPEC §1). */
export function isLeafSize(n: unknown): n is number {
  return (
    typeof n === 'number' && Number.isInteger(n) && n >= MIN_LEAF_SIZE && n <= MAX_LEAF_SIZE && (n & (n - 1)) === 0
  );
}

/** Throws InvalidArgumentError (E_ARG) unless isLeafSize(n). */
export function assertLeafSize(n: number, argument = 'leafSize'): void {
  if (!isLeafSize(n)) {
    throw new InvalidArgumentError(
      argument,
      `must be a power of two from ${MIN_LEAF_SIZE} to ${MAX_LEAF_SIZE}, got ${String(n)}`,
    );
  }
}
