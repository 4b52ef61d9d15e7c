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

/** A string (any content: the caller checks its form). */
export function assertString(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, `must be a string, got ${describe(value)}`);
}

/** A non-null object that is not an array (an options bag, a record, a manifest…). */
export function assertObject(value: unknown, argument: string): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidArgumentError(argument, `must be an object, got ${describe(value)}`);
}

/** An optional options object: undefined, or an object. */
export function assertOptions(value: unknown, argument = 'options'): void {
  if (value !== undefined) assertObject(value, argument);
}

/** An array of strings. */
export function assertStringArray(value: unknown, argument: string): asserts value is string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new InvalidArgumentError(argument, `must be an array of strings, got ${describe(value)}`);
}

/** A string, or bytes (PEM text, JSON text). */
export function assertText(value: unknown, argument: string): asserts value is string | Uint8Array {
  if (typeof value !== 'string' && !(value instanceof Uint8Array))
    throw new InvalidArgumentError(argument, `must be a string or a Uint8Array, got ${describe(value)}`);
}

/** Something to iterate: an array, an Iterable or an AsyncIterable (record lines, file names). */
export function assertIterable(value: unknown, argument = 'items'): void {
  const v = value as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null | undefined;
  if (typeof v?.[Symbol.iterator] !== 'function' && typeof v?.[Symbol.asyncIterator] !== 'function')
    throw new InvalidArgumentError(argument, `must be iterable, got ${describe(value)}`);
}
