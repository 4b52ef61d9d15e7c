// The public face of one sealed allocation: read-only facts and the seal record. It holds no
// device handle and no pointer; the manager keeps those in its own table, keyed by shard id.
import { inspect } from 'node:util';
import type { SealRecord } from '../formats/seal-record.js';
import { serializeSealRecord } from '../seal/record.js';
import { InvalidArgumentError } from '../errors.js';

export type ShardState = 'resident' | 'failed' | 'released';

/**
 * One sealed shard in device memory, as returned by `VramManager.sealFile`: read-only facts and
 * the seal record. It holds no device handle; pass it back to the manager to verify or release it.
 */
export class SealedShard {
  readonly id: string;
  readonly size: number;
  readonly digest: string;
  readonly leafSize: number;
  readonly leafCount: number;
  readonly backend: SealRecord['backend'];
  readonly device: number;
  readonly sealedAt: string;
  readonly modelRef: string | null;
  readonly #record: Readonly<SealRecord>;
  readonly #state: () => ShardState;
  readonly #bundle: string | null;

  /** @internal Created by VramManager only. */
  constructor(record: SealRecord, state: () => ShardState, bundle: string | null = null) {
    this.#record = Object.freeze({ ...record });
    this.#state = state;
    this.#bundle = bundle;
    this.id = record.shardId;
    this.size = record.size;
    this.digest = record.digest;
    this.leafSize = record.leafSize;
    this.leafCount = Math.ceil(record.size / record.leafSize);
    this.backend = record.backend;
    this.device = record.device;
    this.sealedAt = record.sealedAt;
    this.modelRef = record.modelRef;
    Object.freeze(this);
  }

  /** resident until released; failed once a verification has failed (it stays failed). */
  get state(): ShardState {
    return this.#state();
  }

  /** The SPEC §3 seal record (a fresh copy). */
  toRecord(): SealRecord {
    return { ...this.#record };
  }

  /** The seal record as JSON text, members in SPEC order. */
  recordJson(): string {
    return serializeSealRecord(this.#record);
  }

  /** True when the manager was opened with a `signer`: bundleJson() then gives the attestation. */
  get signed(): boolean {
    return this.#bundle !== null;
  }

  /** The seal attestation (SPEC §5 Sigstore bundle JSON, one line); needs a manager opened with `signer`. */
  bundleJson(): string {
    if (this.#bundle === null) {
      throw new InvalidArgumentError(
        'signer',
        `shard ${this.id} has no attestation: open the VramManager with a signer key to sign seals`,
      );
    }
    return this.#bundle;
  }

  /** Id, size, digest, leaf size, backend, device and state. */
  toJSON(): {
    id: string;
    size: number;
    digest: string;
    leafSize: number;
    backend: string;
    device: number;
    state: ShardState;
  } {
    return {
      id: this.id,
      size: this.size,
      digest: this.digest,
      leafSize: this.leafSize,
      backend: this.backend,
      device: this.device,
      state: this.state,
    };
  }

  /** A one-line summary: id, size, device and state. */
  toString(): string {
    return `SealedShard(${this.id}, ${this.size} bytes, ${this.backend}:${this.device}, ${this.state})`;
  }

  /** util.inspect shows the same line as toString. */
  [inspect.custom](): string {
    return this.toString();
  }
}
