// The SPEC §6 verification key: {"format","service","k0","start","epochSeconds"}. It holds K0, the
// root of every epoch key, so the object keeps K0 private: JSON, toString and inspection show
// only the public members; serialize() is the one way to write it out. Browser-safe.
import { KeyError } from '../../errors.js';
import { strictJsonProblem } from '../../formats/strict-json.js';
import { SERVICE_PATTERN } from './validate.js';
import { fromHex } from '../../formats/hex.js';
import { MAX_EPOCH_SECONDS, type EpochClock } from './epochs.js';

export const VKEY_FORMAT = 'vram-residency.audit-vkey.v1';
const MEMBERS = ['format', 'service', 'k0', 'start', 'epochSeconds'];

/**
 * The SPEC §6 verification key of one service: K0 (the root of every epoch key), the first epoch's
 * start and the epoch length. K0 stays private: JSON, toString and inspection show only the public
 * members; `serialize()` is the one way to write it out.
 */
export class VerificationKey implements EpochClock {
  readonly service: string;
  readonly start: number;
  readonly epochSeconds: number;
  readonly #k0: string;

  constructor(fields: { service: string; k0: string; start: number; epochSeconds: number }) {
    this.service = fields.service;
    this.start = fields.start;
    this.epochSeconds = fields.epochSeconds;
    this.#k0 = fields.k0;
  }

  /** A fresh copy of K0 (the caller erases it when done). */
  k0(): Uint8Array {
    return fromHex(this.#k0);
  }

  /** The file text, K0 included: for the operator to take off the host. */
  serialize(): string {
    return (
      JSON.stringify(
        {
          format: VKEY_FORMAT,
          service: this.service,
          k0: this.#k0,
          start: this.start,
          epochSeconds: this.epochSeconds,
        },
        null,
        1,
      ) + '\n'
    );
  }

  /** The public members only (no K0). */
  toJSON(): object {
    return { format: VKEY_FORMAT, service: this.service, start: this.start, epochSeconds: this.epochSeconds };
  }

  toString(): string {
    return `VerificationKey(${this.service}, start ${this.start}, ${this.epochSeconds} s epochs)`;
  }

  /** util.inspect shows the same line as toString (no K0). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Parse a verification key from its JSON text (or an already parsed object); E_KEY on anything off. */
export function parseVerificationKey(input: string | object, argument = 'verificationKey'): VerificationKey {
  if (input instanceof VerificationKey) return input;
  let v: unknown = input;
  if (typeof input === 'string') {
    try {
      v = JSON.parse(input);
    } catch {
      throw new KeyError(argument, 'is not JSON (expected a vram-residency.audit-vkey.v1 object)');
    }
    const strict = strictJsonProblem(input);
    if (strict) throw new KeyError(argument, strict);
  }
  const o = v as Record<string, unknown>;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new KeyError(argument, 'must be a JSON object');
  for (const k of Object.keys(o))
    if (!MEMBERS.includes(k)) throw new KeyError(argument, `unexpected member "${k.slice(0, 32)}"`);
  if (o.format !== VKEY_FORMAT) throw new KeyError(argument, `format must be ${VKEY_FORMAT}`);
  if (typeof o.service !== 'string' || !SERVICE_PATTERN.test(o.service))
    throw new KeyError(argument, 'service is malformed');
  if (typeof o.k0 !== 'string' || !/^[0-9a-f]{64}$/.test(o.k0))
    throw new KeyError(argument, 'k0 must be 64 lowercase hex');
  if (!Number.isSafeInteger(o.start) || (o.start as number) < 0)
    throw new KeyError(argument, 'start must be an integer ≥ 0 (ms since the Unix epoch)');
  if (
    !Number.isSafeInteger(o.epochSeconds) ||
    (o.epochSeconds as number) < 1 ||
    (o.epochSeconds as number) > MAX_EPOCH_SECONDS
  ) {
    throw new KeyError(argument, `epochSeconds must be an integer 1..${MAX_EPOCH_SECONDS}`);
  }
  return new VerificationKey({
    service: o.service,
    k0: o.k0,
    start: o.start as number,
    epochSeconds: o.epochSeconds as number,
  });
}
