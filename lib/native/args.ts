// Argument checks done before anything reaches the addon (which checks again): E_ARG with the
// argument's name, never a native crash.
import { InvalidArgumentError } from '../errors.js';
import { assertBytes, assertInteger } from '../formats/args.js';
import { MAX_LEAF_SIZE, MIN_LEAF_SIZE, assertLeafSize } from '../formats/leaf-size.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function checkInteger(name: string, value: unknown, min = 0, max = MAX_SAFE): number {
  assertInteger(value, name, min, max);
  return value;
}

/** The addon's limits (csrc/leaf_limits.h), checked here first; test/native/errors holds them equal. */
export const NATIVE_LIMITS = {
  minLeafSize: MIN_LEAF_SIZE,
  maxLeafSize: MAX_LEAF_SIZE,
  maxChunkBytes: 2 ** 30,
  maxThreads: 256,
  maxDeviceIndex: 1023,
} as const;

export function checkLeafSize(value: unknown): number {
  assertLeafSize(value as number);
  return value as number;
}

export function checkBytes(name: string, value: unknown): Uint8Array {
  assertBytes(value, name);
  return value;
}

/**
 * Bytes a worker thread may read until the operation settles. The addon pins the memory of an
 * ordinary buffer (so a transfer or collection mid-operation cannot free it); a resizable or
 * shared buffer can shrink or change under the worker, so those are copied first.
 */
export function ownedBytes(name: string, value: unknown): Uint8Array {
  const bytes = checkBytes(name, value);
  const buffer = bytes.buffer as ArrayBufferLike & { resizable?: boolean; growable?: boolean };
  const movable =
    buffer.resizable === true ||
    buffer.growable === true ||
    (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer);
  return movable ? bytes.slice() : bytes;
}

export function checkPath(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new InvalidArgumentError(name, 'must be a non-empty file path');
  }
  return value;
}
