// SPEC §2 seal keys. The derived key lives only in a key slot of the module's memory: JS holds a
// slot number and the kid. mac() frames and MACs inside the module; dispose() wipes the slot.
import { ClosedError, InvalidArgumentError } from '../errors.js';
import { toHex } from '../formats/hex.js';
import type { Core } from './core.js';
import { stageSealFields, type SealRecordFields } from './seal-fields.js';
import { isWellFormedText } from '../formats/well-formed.js';

export interface SealKey {
  /** 16 hex: names the key without revealing it. */
  readonly kid: string;
  /** SPEC §3 mac (64 hex) of a record's members. */
  mac(record: SealRecordFields): string;
  /** Wipes the key from module memory; later mac() throws E_CLOSED. Idempotent. */
  dispose(): void;
}

const MIN_TOKEN_BYTES = 16;
const MAX_TOKEN_BYTES = 4096;
const encoder = new TextEncoder();

const keyWiper = new FinalizationRegistry<{ core: Core; slot: number }>(({ core, slot }) => {
  core.x.sealKeyWipe(slot);
  core.keySlots.give(slot);
});

export class WasmSealKey implements SealKey {
  readonly kid: string;
  readonly #core: Core;
  #slot: number;

  /** Derives the key for `token` (UTF-8, 16 … 4096 bytes). The token is never stored or echoed. */
  constructor(core: Core, token: string) {
    if (token === undefined || token === null)
      throw new InvalidArgumentError('token', 'is missing (the worker token, 16 to 4096 bytes of UTF-8)');
    if (typeof token !== 'string') throw new InvalidArgumentError('token', 'must be a string');
    // A lone surrogate would be encoded as U+FFFD: another token would then derive the same key.
    if (!isWellFormedText(token))
      throw new InvalidArgumentError('token', 'must be well-formed Unicode text (it has a lone surrogate)');
    const tokenBytes = encoder.encode(token);
    try {
      if (tokenBytes.length < MIN_TOKEN_BYTES || tokenBytes.length > MAX_TOKEN_BYTES) {
        throw new InvalidArgumentError(
          'token',
          `must be ${MIN_TOKEN_BYTES} to ${MAX_TOKEN_BYTES} bytes of UTF-8, got ${tokenBytes.length} bytes`,
        );
      }
      this.#core = core;
      this.#slot = core.keySlots.take();
      core.toStage(tokenBytes);
      core.x.sealKeyDerive(this.#slot, tokenBytes.length); // wipes the staged token
      this.kid = toHex(core.readOut(8));
      keyWiper.register(this, { core, slot: this.#slot }, this);
    } finally {
      tokenBytes.fill(0);
    }
  }

  #liveSlot(): number {
    if (this.#slot < 0) throw new ClosedError(`seal key ${this.kid} was disposed`);
    return this.#slot;
  }

  mac(record: SealRecordFields): string {
    const slot = this.#liveSlot();
    const count = stageSealFields(this.#core, record);
    this.#core.x.sealMacFields(slot, count);
    return toHex(this.#core.readOut(32));
  }

  /** The raw 32-byte key, for tests against SPEC vectors only. */
  exportKeyForTests(): Uint8Array {
    this.#core.x.sealKeyExport(this.#liveSlot());
    const key = this.#core.readOut(32);
    this.#core.bytes.fill(0, this.#core.out, this.#core.out + 32);
    return key;
  }

  dispose(): void {
    if (this.#slot < 0) return;
    this.#core.x.sealKeyWipe(this.#slot);
    keyWiper.unregister(this);
    this.#core.keySlots.give(this.#slot);
    this.#slot = -1;
  }

  toString(): string {
    return `SealKey(kid=${this.kid})`;
  }

  toJSON(): { kid: string } {
    return { kid: this.kid };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
