// The manager's private table of sealed shards. The public SealedShard holds no device handle;
// this table maps its id to the allocation and sealed leaf list, claims ids for seals in flight,
// and notices (FinalizationRegistry) a SealedShard dropped without release().
import type { Allocation } from '../native/index.js';
import type { SealRecord } from '../formats/seal-record.js';
import { SealedShard, type ShardState } from './sealed-shard.js';

/** What the manager keeps per shard: the device handle and the sealed leaf list stay here. */
export interface ShardEntry {
  record: SealRecord;
  allocation: Allocation;
  leafList: Uint8Array;
  state: ShardState;
  ref: WeakRef<SealedShard>;
}

export class ShardTable {
  readonly #entries = new Map<string, ShardEntry>();
  /** Shard ids claimed by seals still in flight. */
  readonly #pendingIds = new Set<string>();
  readonly #dropped: FinalizationRegistry<string>;

  /** `onDropped` runs (later, from the GC) for a shard whose SealedShard was collected unreleased. */
  constructor(onDropped: (entry: ShardEntry) => void) {
    this.#dropped = new FinalizationRegistry((shardId) => {
      const entry = this.#entries.get(shardId);
      // The id may name a newer shard by now: only an entry whose public object is gone is ours.
      if (entry && entry.ref.deref() === undefined) onDropped(entry);
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** True if a live shard or a seal in flight already uses the id. */
  taken(shardId: string): boolean {
    return this.#entries.has(shardId) || this.#pendingIds.has(shardId);
  }

  /** Claims an id for a seal in flight: a concurrent seal cannot take it. Returns the unclaim. */
  claim(shardId: string): () => void {
    this.#pendingIds.add(shardId);
    return () => this.#pendingIds.delete(shardId);
  }

  /** Creates the public SealedShard (with its attestation bundle, when signed) and its entry. */
  add(record: SealRecord, allocation: Allocation, leafList: Uint8Array, bundle: string | null = null): SealedShard {
    let entry: ShardEntry;
    const shard = new SealedShard(record, () => entry.state, bundle);
    entry = { record, allocation, leafList, state: 'resident', ref: new WeakRef(shard) };
    this.#entries.set(record.shardId, entry);
    this.#dropped.register(shard, record.shardId, shard);
    return shard;
  }

  /** The entry of a shard this table created and still holds; undefined for anything else. */
  owned(shard: SealedShard): ShardEntry | undefined {
    const entry = shard instanceof SealedShard ? this.#entries.get(shard.id) : undefined;
    return entry && entry.ref.deref() === shard ? entry : undefined;
  }

  /** Takes the entry out of the table and marks it released (the caller frees its memory). */
  remove(entry: ShardEntry): void {
    const shard = entry.ref.deref();
    if (shard) this.#dropped.unregister(shard);
    this.#entries.delete(entry.record.shardId);
    entry.state = 'released';
  }

  /** Live public shards, oldest first. */
  shards(): SealedShard[] {
    const out: SealedShard[] = [];
    for (const entry of this.#entries.values()) {
      const shard = entry.ref.deref();
      if (shard) out.push(shard);
    }
    return out;
  }

  entries(): ShardEntry[] {
    return [...this.#entries.values()];
  }
}
