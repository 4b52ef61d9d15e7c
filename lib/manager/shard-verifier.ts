// Re-checking a sealed shard in device memory (VramManager.verify): the record's own MAC first,
// then every leaf (the device recomputes the root) or sampled leaves against the sealed leaf list.
// Every failure is audited as critical, on disk before it rejects, and marks the shard failed.
import { InvalidArgumentError, SealVerificationError } from '../errors.js';
import { checkSealRecord } from '../seal/check.js';
import { constantTimeEqual } from '../formats/constant-time.js';
import { fromHex, toHex } from '../formats/hex.js';
import { assertInstance } from '../formats/args.js';
import type { SealKey } from '../wasm/index.js';
import type { ManagerAuditTrail } from './audit-trail.js';
import { mismatchedLeaves, sampleLeafIndices } from './sampling.js';
import { SealedShard } from './sealed-shard.js';
import { type VerifyOptions, type VerifyResult, checkVerifyOptions } from './seal-options.js';
import type { ShardEntry, ShardTable } from './shard-table.js';

export interface ShardVerifierContext {
  shards: ShardTable;
  key: SealKey;
  trail: ManagerAuditTrail;
  /** Leaves the named tensors (and the header) span, sorted (lease-book.ts); E_ARG for an unknown name. */
  tensorLeaves?: (entry: ShardEntry, names: readonly string[]) => Promise<number[]>;
}

export async function verifyShard(
  ctx: ShardVerifierContext,
  shard: SealedShard,
  opts: VerifyOptions,
): Promise<VerifyResult> {
  // Not a shard at all is the caller's mistake, not an integrity event: no audit record.
  assertInstance(shard, SealedShard, 'shard', 'a SealedShard (from sealFile or sealModel)');
  const { mode, samples } = checkVerifyOptions(opts);
  const shardId = shard.id;
  const fail = (entry: ShardEntry | null, reason: string, expected: string | null, actual: string | null) =>
    failVerification(ctx.trail, shardId, entry, reason, expected, actual);
  const entry = ctx.shards.owned(shard);
  if (!entry) return fail(null, 'shard is unknown to this manager or was released', null, null);
  const { record } = entry;
  if (entry.state === 'failed') return fail(entry, 'shard failed an earlier verification', record.digest, null);
  try {
    checkSealRecord(record, ctx.key);
  } catch (error) {
    return fail(entry, (error as Error).message, record.digest, null);
  }
  const leafCount = Math.ceil(record.size / record.leafSize);
  let leavesChecked = leafCount;
  // Aimed at tensors: their leaves are known before any hashing (a bad name is E_ARG, not a failure).
  const aimed = opts.tensors === undefined ? null : await aimedLeaves(ctx, entry, opts.tensors, mode, samples);
  try {
    if (aimed) {
      const fresh = await entry.allocation.chosenLeafHashes(record.leafSize, aimed);
      const bad = mismatchedLeaves(aimed, fresh, entry.leafList);
      if (bad.length > 0) {
        const reason = `leaf mismatch: ${bad.length} of ${aimed.length} leaves of the named tensors differ (first: leaf ${bad[0]})`;
        return fail(entry, reason, record.digest, null);
      }
      leavesChecked = aimed.length;
    } else if (mode === 'full') {
      const actual = await entry.allocation.root(record.leafSize);
      if (!constantTimeEqual(actual, fromHex(record.digest))) {
        const reason = 'digest mismatch: device memory no longer matches the seal';
        return fail(entry, reason, record.digest, toHex(actual));
      }
    } else {
      const indices = sampleLeafIndices(leafCount, samples);
      const fresh = await entry.allocation.chosenLeafHashes(record.leafSize, indices);
      const bad = mismatchedLeaves(indices, fresh, entry.leafList);
      if (bad.length > 0) {
        const reason = `leaf mismatch: ${bad.length} of ${indices.length} sampled leaves differ (first: leaf ${bad[0]})`;
        return fail(entry, reason, record.digest, null);
      }
      leavesChecked = indices.length;
    }
  } catch (error) {
    if (error instanceof SealVerificationError) throw error;
    return fail(entry, `device read error: ${(error as Error).message}`, record.digest, null);
  }
  ctx.trail.verified(shardId);
  return { shardId, mode, leavesChecked, ...(opts.tensors ? { tensors: opts.tensors.length } : {}), ok: true };
}

async function aimedLeaves(
  ctx: ShardVerifierContext,
  entry: ShardEntry,
  names: readonly string[],
  mode: 'full' | 'sample',
  samples: number,
): Promise<number[]> {
  if (!ctx.tensorLeaves) throw new InvalidArgumentError('tensors', 'this manager cannot aim verification at tensors');
  const all = await ctx.tensorLeaves(entry, names);
  return mode === 'full' ? all : sampleLeafIndices(all.length, samples).map((i) => all[i]!);
}

async function failVerification(
  trail: ManagerAuditTrail,
  shardId: string,
  entry: ShardEntry | null,
  reason: string,
  expected: string | null,
  actual: string | null,
): Promise<never> {
  if (entry) entry.state = 'failed';
  const advice = `shard ${shardId} failed verification: ${reason}. Do not run inference on it; release it and reload the model.`;
  // On disk before anyone can act on the rejection. If the log cannot take it, the mismatch is
  // still the news: never a retriable audit error instead.
  const audit = await trail.verificationFailed(shardId, reason, expected, actual);
  const note = audit ? ` The audit record of this failure is not on disk yet (${audit.code}: ${audit.message}).` : '';
  throw new SealVerificationError(shardId, reason, advice + note, audit);
}
