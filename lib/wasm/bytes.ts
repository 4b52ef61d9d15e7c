import { InvalidArgumentError } from '../errors.js';

export type Bytes = Uint8Array;

export function assertBytes(value: unknown, argument: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidArgumentError(argument, `must be a Uint8Array, got ${value === null ? 'null' : typeof value}`);
  }
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}
