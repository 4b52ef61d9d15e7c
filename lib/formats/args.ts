// The one set of argument checks of the SDK's public functions: each throws InvalidArgumentError
// (E_ARG) naming the argument. Browser-safe (used by the WASM API too).
import { InvalidArgumentError } from '../errors.js';
import { patternRule } from './patterns.js';

export function assertBytes(value: unknown, argument: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidArgumentError(argument, `must be a Uint8Array, got ${value === null ? 'null' : typeof value}`);
  }
}

/** An integer in [min, max] (safe integers only). */
export function assertInteger(
  value: unknown,
  argument: string,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : `an integer ≥ ${min}`
        : `an integer from ${min} to ${max}`;
    throw new InvalidArgumentError(argument, `must be ${range}`);
  }
}

/** The longest delay a Node timer holds (≈ 24.8 days); a longer one fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** MAX_TIMER_MS in whole seconds. */
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/**
 * A delay a timer will wait: an integer number of `unit`s from `min` up to what setTimeout and
 * setInterval hold (Node clamps a longer one to 1 ms, firing in a loop). The default when undefined.
 */
export function duration(value: unknown, argument: string, unit: 'ms' | 's', fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const max = unit === 'ms' ? MAX_TIMER_MS : MAX_TIMER_SECONDS;
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max)
    throw new InvalidArgumentError(
      argument,
      `must be an integer number of ${unit === 'ms' ? 'milliseconds' : 'seconds'} from ${min} to ${max} (timers cannot wait longer than 24.8 days)`,
    );
  return value as number;
}

/** An optional positive integer: the default when undefined. */
export function positiveInteger(value: number | undefined, argument: string, fallback: number): number {
  if (value === undefined) return fallback;
  assertInteger(value, argument, 1);
  return value;
}

/** A string matching `pattern`; the message quotes the pattern. */
export function assertPattern(value: unknown, argument: string, pattern: RegExp): asserts value is string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new InvalidArgumentError(argument, patternRule(pattern));
}

export type Bytes = Uint8Array;

/** An instance of `type` (a class the caller names in `what`, e.g. "a SealedShard from sealFile"). */
export function assertInstance<T>(
  value: unknown,
  type: abstract new (...args: never[]) => T,
  argument: string,
  what: string,
): asserts value is T {
  if (!(value instanceof type)) throw new InvalidArgumentError(argument, `must be ${what}, got ${describe(value)}`);
}

/** What a wrong argument was, for messages: its type, never its content (it may be a secret). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return typeof value;
}
