// The manager's open leases, per shard: opening and closing them (each audited), refusing or
// holding a release while any is open, telling every lease of a shard that failed verification,
// and revoking all on close. A Lease dropped without release() is closed (and audited) by the GC.
import { randomBytes } from 'node:crypto';
import type { AuditLogger } from '../audit/index.js';
import { DeviceError, LeasedError, SealVerificationError } from '../errors.js';
import type { Backend, DeviceProperties } from '../native/index.js';
import type { Capacity } from './capacity-ledger.js';
import { Lease, type LeaseOptions, type LeaseRecord, checkLeaseOptions } from './lease.js';
import type { ShardEntry } from './shard-table.js';
import { type TensorIndex, buildTensorIndex, leavesSpanned, readTensorHeader, viewsNamed } from './tensor-views.js';

/** How `release(shard)` treats open leases: refuse with LeasedError (default), or wait until they close. */
export type WhenLeased = 'refuse' | 'wait';

/** What `release(shard, opts)` takes. */
export interface ReleaseOptions {
  /** With open leases: 'refuse' (default, LeasedError E_LEASED) or 'wait' until they are released. */
  whenLeased?: WhenLeased;
}

/** `VramManager.status()`: shards and leases held now, and the capacity ledger. */
export interface VramStatus {
  backend: Backend;
  device: number;
  shards: number;
  leases: LeaseCounts;
  capacity: Capacity;
}

/** Lease counts for `VramManager.status()`. */
export interface LeaseCounts {
  /** Leases not yet released (open or failed). */
  open: number;
  /** Of those, leases whose shard failed a verification. */
  failed: number;
  /** Shards with at least one lease. */
  shardsLeased: number;
}

interface BookEntry {
  record: LeaseRecord;
  ref: WeakRef<Lease>;
}

/** The device facts every lease and lease event names. */
interface LeaseBookOptions {
  audit: AuditLogger;
  workerId: string;
  device: number;
  deviceUuid: string | null;
  backend: Backend;
}

const now = (): string => new Date().toISOString();

export class LeaseBook {
  readonly #opts: LeaseBookOptions;
  readonly #byShard = new Map<string, Map<string, BookEntry>>();
  readonly #waiters = new Map<string, (() => void)[]>();
  readonly #releasing = new Set<string>();
  readonly #indexes = new WeakMap<ShardEntry, Promise<TensorIndex>>();
  // From the GC: an audit refusal here has no caller to reach (the logger counts it as a gap).
  readonly #dropped = new FinalizationRegistry<LeaseRecord>((record) => this.#closeQuietly(record, 'dropped'));

  constructor(audit: AuditLogger, workerId: string, device: DeviceProperties) {
    this.#opts = { audit, workerId, device: device.index, deviceUuid: device.uuid, backend: device.backend };
  }

  /** Opens a lease on a resident shard (audited first: a refused audit record opens nothing). */
  open(entry: ShardEntry | undefined, opts: LeaseOptions): Lease {
    const purpose = checkLeaseOptions(opts);
    if (!entry) throw new DeviceError('E_FREED', 'the shard was released or does not belong to this manager');
    const shardId = entry.record.shardId;
    const shard = entry.ref.deref();
    if (!shard || entry.state === 'released' || this.#releasing.has(shardId)) {
      throw new DeviceError('E_FREED', `shard ${shardId} is released or being released: it cannot be leased`);
    }
    if (entry.state === 'failed') {
      throw new DeviceError(
        'E_POLICY',
        `shard ${shardId} failed verification: it cannot be leased; release and reload it`,
      );
    }
    const record: LeaseRecord = {
      id: `lease-${randomBytes(8).toString('hex')}`,
      shardId,
      purpose,
      state: 'open',
      failure: null,
      openedAt: Date.now(),
    };
    this.#emit('vram.lease_opened', { shard_id: shardId, lease_id: record.id, purpose, digest: entry.record.digest });
    const lease = new Lease({
      record,
      shard,
      allocation: entry.allocation,
      backend: this.#opts.backend,
      device: this.#opts.device,
      deviceUuid: this.#opts.deviceUuid,
      close: () => this.#close(record, 'released'),
      exported: (kind) =>
        this.#emit('vram.lease_exported', { shard_id: shardId, lease_id: record.id, handle_kind: kind }),
      tensorIndex: () => this.tensorIndexOf(entry),
    });
    const leases = this.#byShard.get(shardId) ?? new Map<string, BookEntry>();
    this.#byShard.set(shardId, leases);
    leases.set(record.id, { record, ref: new WeakRef(lease) });
    this.#dropped.register(lease, record, record);
    return lease;
  }

  /** Leases of the shard not yet released. */
  countFor(shardId: string): number {
    return this.#byShard.get(shardId)?.size ?? 0;
  }

  counts(): LeaseCounts {
    let open = 0;
    let failed = 0;
    for (const leases of this.#byShard.values()) {
      open += leases.size;
      for (const { record } of leases.values()) if (record.state === 'failed') failed++;
    }
    return { open, failed, shardsLeased: this.#byShard.size };
  }

  /**
   * Before a shard is released: with open leases, refuse (LeasedError) or wait for them to close
   * (no new lease opens meanwhile). Resolves when none is open.
   */
  async beforeRelease(entry: ShardEntry, whenLeased: WhenLeased = 'refuse'): Promise<void> {
    const shardId = entry.record.shardId;
    const open = this.countFor(shardId);
    if (open === 0) return;
    if (whenLeased !== 'wait') throw new LeasedError(shardId, open);
    this.#releasing.add(shardId);
    try {
      while (this.countFor(shardId) > 0) {
        await new Promise<void>((resolve) => {
          const list = this.#waiters.get(shardId) ?? [];
          list.push(resolve);
          this.#waiters.set(shardId, list);
        });
      }
    } finally {
      this.#releasing.delete(shardId);
    }
  }

  /** A verification of the shard failed: every open lease becomes failed and hears it ('failed'). */
  failShard(shardId: string, error: SealVerificationError): void {
    for (const { record, ref } of this.#byShard.get(shardId)?.values() ?? []) {
      if (record.state !== 'open') continue;
      record.state = 'failed';
      record.failure = error;
      const lease = ref.deref();
      if (lease && lease.listenerCount('failed') > 0) lease.emit('failed', error);
    }
  }

  /** verify()'s rejection handler: a SealVerificationError fails the shard's leases; every error is rethrown. */
  readonly failLeasesAndRethrow = (error: unknown): never => {
    if (error instanceof SealVerificationError) this.failShard(error.shardId, error);
    throw error;
  };

  /** Leaves the named tensors and the header span (verify({tensors})); E_ARG for an unknown name. */
  readonly tensorLeaves = async (entry: ShardEntry, names: readonly string[]): Promise<number[]> => {
    const index = await this.tensorIndexOf(entry);
    return leavesSpanned(index, viewsNamed(index, names), entry.record.leafSize);
  };

  /** The manager is closing: every lease is closed (audited as manager_closed). */
  revokeAll(): void {
    for (const leases of [...this.#byShard.values()]) {
      for (const { record } of [...leases.values()]) this.#closeQuietly(record, 'manager_closed');
    }
  }

  /** Closes without throwing: close() must release every shard even when the audit log refuses. */
  #closeQuietly(record: LeaseRecord, reason: 'manager_closed' | 'dropped'): void {
    try {
      this.#close(record, reason);
    } catch {
      // The lease is closed either way; the logger has counted the refused record.
    }
  }

  #close(record: LeaseRecord, reason: 'released' | 'manager_closed' | 'dropped'): void {
    const leases = this.#byShard.get(record.shardId);
    const entry = leases?.get(record.id);
    if (!leases || !entry) return;
    const stateAtClose = record.state;
    leases.delete(record.id);
    if (leases.size === 0) this.#byShard.delete(record.shardId);
    record.state = 'released';
    const lease = entry.ref.deref();
    if (lease) this.#dropped.unregister(record);
    try {
      this.#emit('vram.lease_closed', {
        shard_id: record.shardId,
        lease_id: record.id,
        state: stateAtClose,
        reason,
        held_ms: Math.max(0, Date.now() - record.openedAt),
      });
    } finally {
      if (this.countFor(record.shardId) === 0) {
        for (const wake of this.#waiters.get(record.shardId) ?? []) wake();
        this.#waiters.delete(record.shardId);
      }
      if (lease && lease.listenerCount('released') > 0) lease.emit('released', reason);
    }
  }

  /** The shard's tensor index, parsed once from the sealed bytes (tensors(), verify({tensors})). */
  tensorIndexOf(entry: ShardEntry): Promise<TensorIndex> {
    let index = this.#indexes.get(entry);
    if (!index) {
      const address = entry.allocation.address();
      index = readTensorHeader(entry.allocation).then((header) =>
        buildTensorIndex(header, address, this.#opts.backend, this.#opts.device),
      );
      index.catch(() => this.#indexes.delete(entry)); // a device error may pass; a bad header fails again
      this.#indexes.set(entry, index);
    }
    return index;
  }

  #emit(type: 'vram.lease_opened' | 'vram.lease_exported' | 'vram.lease_closed', data: Record<string, unknown>): void {
    this.#opts.audit.emit({
      type,
      data: { timestamp: now(), ...data, gpu_device: this.#opts.device, worker_id: this.#opts.workerId },
    });
  }
}
