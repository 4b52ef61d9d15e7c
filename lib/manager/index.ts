// The manager room's public API, by name (the package root re-exports it whole): VramManager and
// what its signatures name, policy checks, sampling math, re-verification of resident shards.
export { VramManager, type VramManagerOptions, type VerifyResult } from './vram-manager.js';
export type { SealOptions, SealProgress, VerifyOptions } from './seal-options.js';
export { SealedShard, type ShardState } from './sealed-shard.js';
export type { Capacity } from './capacity-ledger.js';
export { checkDevicePolicy, type VramPolicy, type PolicyFinding } from './policy.js';
export { detectionProbability, samplesForConfidence } from './sampling.js';
export {
  MAX_REVERIFY_INTERVAL_SECONDS,
  reverifyResident,
  type Reverifier,
  type ReverifyPolicy,
  type ReverifyRound,
} from './reverify.js';
export type { PolicyDeviceFacts } from './policy.js';

// Leases: read-only use of a resident shard by inference (docs/inference.md).
export { Lease, type LeaseOptions, type LeaseState } from './lease.js';
export type { LeaseCounts, ReleaseOptions, VramStatus, WhenLeased } from './lease-book.js';
export type { DlpackDtype, DlpackFields, TensorView } from './tensor-views.js';
