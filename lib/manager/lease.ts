// A lease: sealed memory handed to inference, read-only by contract. It names the device (ordinal
// and UUID), the address (a bigint: a device pointer on cuda, a host pointer on host-sim), the
// length and the seal's digest; it exports an IPC handle for another process, lists tensor views
// and computes per-tensor digests on the device. While it is open the shard cannot be released;
// a failed verification of the shard marks it failed and emits 'failed'. Design: docs/inference.md.
import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { DeviceError, InvalidArgumentError, type SealVerificationError } from '../errors.js';
import type { Allocation, Backend } from '../native/index.js';
import { type IpcHandleJson, ipcHandleJson } from '../native/ipc-handle.js';
import type { SealedShard } from './sealed-shard.js';
import { type TensorIndex, type TensorView, tensorDigests, viewsNamed } from './tensor-views.js';

/** open → released; open → failed (a verification of the shard failed) → released. */
export type LeaseState = 'open' | 'failed' | 'released';

/** What `VramManager.lease` takes. */
export interface LeaseOptions {
  /** Why the memory is lent (audited): e.g. "inference", "engine:llama.cpp". 1–256 characters. */
  purpose: string;
}

/** What the manager keeps per lease and the lease reads (its state lives here, not on the object). */
export interface LeaseRecord {
  id: string;
  shardId: string;
  purpose: string;
  state: LeaseState;
  failure: SealVerificationError | null;
  openedAt: number;
}

/** How a lease reaches its manager: close it, audit an export, load the shard's tensor index. */
export interface LeaseLink {
  record: LeaseRecord;
  shard: SealedShard;
  allocation: Allocation;
  backend: Backend;
  device: number;
  deviceUuid: string | null;
  close(): void;
  exported(kind: string): void;
  tensorIndex(): Promise<TensorIndex>;
}

/**
 * Sealed memory lent to inference (from `VramManager.lease`). Events: `'failed'` (a
 * SealVerificationError: the shard failed verification; stop using the memory) and `'released'`.
 * Release it when the batch is done: the shard cannot be released while a lease is open.
 */
export class Lease extends EventEmitter {
  readonly id: string;
  readonly shard: SealedShard;
  readonly shardId: string;
  readonly purpose: string;
  readonly backend: Backend;
  /** Device ordinal and UUID (`GPU-…`/`MIG-…`; null on host-sim). */
  readonly device: number;
  readonly deviceUuid: string | null;
  /** Address of the sealed bytes in this process (cuda: device pointer, same CUDA context; host-sim: host pointer). */
  readonly address: bigint;
  readonly length: number;
  /** The seal's digest (SPEC §1 mth-sha256 root) and leaf size. */
  readonly digest: string;
  readonly leafSize: number;
  readonly #link: LeaseLink;

  /** @internal Created by VramManager.lease only. */
  constructor(link: LeaseLink) {
    super();
    this.#link = link;
    this.id = link.record.id;
    this.shard = link.shard;
    this.shardId = link.shard.id;
    this.purpose = link.record.purpose;
    this.backend = link.backend;
    this.device = link.device;
    this.deviceUuid = link.deviceUuid;
    this.address = link.allocation.address();
    this.length = link.shard.size;
    this.digest = link.shard.digest;
    this.leafSize = link.shard.leafSize;
  }

  /** open, failed (the shard failed a verification) or released. */
  get state(): LeaseState {
    return this.#link.record.state;
  }

  /** The verification error that failed the lease, or null. */
  get failure(): SealVerificationError | null {
    return this.#link.record.failure;
  }

  /** Ends the lease (audited); the shard may then be released. Releasing twice does nothing. */
  async release(): Promise<void> {
    if (this.#link.record.state === 'released') return;
    this.#link.close();
  }

  /**
   * An IPC handle another process on the same device can open read-only with `openIpcLease()`
   * (audited). Valid while this lease is open; after release it is stale (E_STALE_HANDLE there).
   */
  exportIpc(): IpcHandleJson {
    this.#assertUsable();
    const native = this.#link.allocation.exportIpc();
    this.#link.exported(native.kind);
    return ipcHandleJson(native, {
      backend: this.backend,
      device: this.device,
      deviceUuid: this.deviceUuid,
      shardId: this.shardId,
      leaseId: this.id,
      digest: this.digest,
      leafSize: this.leafSize,
    });
  }

  /** Every tensor of a safetensors or GGUF shard, with DLPack fields (E_MALFORMED for a hostile header). */
  async tensors(): Promise<readonly TensorView[]> {
    this.#assertUsable();
    return (await this.#link.tensorIndex()).views;
  }

  /**
   * Per-tensor SPEC §1 mth-sha256 roots (leaf size as the seal's), computed on the device now:
   * all tensors, or the named ones. A consumer can check one tensor against a published digest.
   */
  async tensorDigests(names?: readonly string[]): Promise<Map<string, string>> {
    this.#assertUsable();
    const index = await this.#link.tensorIndex();
    const views = names === undefined ? index.views : viewsNamed(index, names);
    return tensorDigests(this.#link.allocation, this.leafSize, views);
  }

  /** @internal The shard's allocation (host-sim test helpers read through the address). */
  allocationForTesting(): Allocation {
    return this.#link.allocation;
  }

  #assertUsable(): void {
    const { state, failure } = this.#link.record;
    if (state === 'released') throw new DeviceError('E_FREED', `lease ${this.id} was released`);
    if (failure) throw failure;
  }

  /** Id, shard, purpose, device, length, digest and state: never the address. */
  toJSON(): object {
    return {
      id: this.id,
      shardId: this.shardId,
      purpose: this.purpose,
      backend: this.backend,
      device: this.device,
      deviceUuid: this.deviceUuid,
      length: this.length,
      digest: this.digest,
      state: this.state,
    };
  }

  /** One line: id, shard and state. */
  override toString(): string {
    return `Lease(${this.id} of ${this.shardId}, ${this.purpose}, ${this.state})`;
  }

  /** util.inspect shows the same line as toString. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** Checks LeaseOptions; returns the purpose. */
export function checkLeaseOptions(opts: LeaseOptions): string {
  if (!opts || typeof opts !== 'object') throw new InvalidArgumentError('options', 'lease needs { purpose }');
  const { purpose } = opts;
  if (typeof purpose !== 'string' || purpose.length < 1 || purpose.length > 256 || /[\u0000-\u001f]/.test(purpose)) {
    throw new InvalidArgumentError('purpose', 'must be 1 to 256 characters without control characters');
  }
  return purpose;
}
