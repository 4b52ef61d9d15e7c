// Argument checks for VramManager: open options, seal options and verify options. They run
// before any device memory is touched, so a bad argument never allocates or audits anything.
import { InvalidArgumentError } from '../errors.js';
import { assertLeafSize } from '../wasm/index.js';
import { SHARD_ID_PATTERN, WORKER_ID_PATTERN, type SealRecord, modelRefProblem } from '../seal/record.js';
import type { AuditLogger } from '../audit/index.js';
import { randomBytes } from 'node:crypto';

export interface SealOptions {
  shardId?: string;
  modelRef?: string;
  shardIndex?: number;
  shardCount?: number;
  /** Published SHA-256 of the bytes: the seal aborts on a mismatch. */
  expectedSha256?: string;
  /** Record the plain SHA-256 in the seal (contentSha256). Implied by expectedSha256. */
  computeContentSha256?: boolean;
  onProgress?: (p: SealProgress) => void;
}

export interface SealProgress {
  shardId: string;
  bytes: number;
  totalBytes: number;
  bytesPerSecond: number;
}

export interface VerifyOptions {
  mode?: 'full' | 'sample';
  /** Leaves re-hashed in sample mode (default 16). */
  samples?: number;
}

/** The identity members of a seal record, checked. */
export type ShardIdentity = Pick<SealRecord, 'shardId' | 'modelRef' | 'shardIndex' | 'shardCount'>;

const DEFAULT_LEAF_SIZE = 65536;
const DEFAULT_SAMPLES = 16;

/** Checks what VramManager.open needs before it touches a device; returns the leaf size. */
export function checkOpenOptions(opts: {
  workerId: string;
  audit: AuditLogger;
  leafSize?: number;
  maxShardBytes?: number;
  maxTotalBytes?: number;
}): number {
  if (!opts || typeof opts !== 'object') throw new InvalidArgumentError('options', 'VramManager.open needs an options object');
  if (typeof opts.workerId !== 'string' || !WORKER_ID_PATTERN.test(opts.workerId)) {
    throw new InvalidArgumentError('workerId', 'must match ^[A-Za-z0-9._:-]{1,128}$');
  }
  if (!opts.audit || typeof opts.audit.emit !== 'function') {
    throw new InvalidArgumentError('audit', 'an AuditLogger is required: every allocation, seal and verification is audited');
  }
  const leafSize = opts.leafSize ?? DEFAULT_LEAF_SIZE;
  assertLeafSize(leafSize);
  for (const limit of ['maxShardBytes', 'maxTotalBytes'] as const) {
    const value = opts[limit];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) throw new InvalidArgumentError(limit, 'must be a positive integer');
  }
  return leafSize;
}

/** Checks the size and identity of a new shard; `taken` says whether an id is in use. */
export function checkSealOptions(size: number, maxShardBytes: number, opts: SealOptions, taken: (id: string) => boolean): ShardIdentity {
  if (size < 1 || size > maxShardBytes) {
    throw new InvalidArgumentError('size', `a shard must be 1 to ${maxShardBytes} bytes (maxShardBytes), got ${size}`);
  }
  const shardId = opts.shardId ?? `shard-${randomBytes(16).toString('hex')}`;
  if (!SHARD_ID_PATTERN.test(shardId)) throw new InvalidArgumentError('shardId', 'must match ^[A-Za-z0-9_-]{1,128}$');
  if (taken(shardId)) throw new InvalidArgumentError('shardId', `a live shard is already named ${shardId}`);
  const modelRef = opts.modelRef ?? null;
  if (modelRef !== null) {
    const problem = typeof modelRef === 'string' ? modelRefProblem(modelRef) : 'must be a string';
    if (problem) throw new InvalidArgumentError('modelRef', problem);
  }
  const shardIndex = opts.shardIndex ?? null;
  const shardCount = opts.shardCount ?? null;
  if ((shardIndex === null) !== (shardCount === null)) throw new InvalidArgumentError('shardIndex', 'give shardIndex and shardCount together');
  if (shardCount !== null && !(Number.isInteger(shardCount) && shardCount >= 1 && shardCount <= 65535)) {
    throw new InvalidArgumentError('shardCount', 'must be an integer from 1 to 65535');
  }
  if (shardIndex !== null && !(Number.isInteger(shardIndex) && shardIndex >= 0 && shardIndex < shardCount!)) {
    throw new InvalidArgumentError('shardIndex', 'must be an integer from 0 to shardCount - 1');
  }
  if (opts.expectedSha256 !== undefined && !/^[0-9a-f]{64}$/.test(opts.expectedSha256)) {
    throw new InvalidArgumentError('expectedSha256', 'must be 64 lowercase hex characters');
  }
  return { shardId, modelRef, shardIndex, shardCount };
}

export function checkVerifyOptions(opts: VerifyOptions): { mode: 'full' | 'sample'; samples: number } {
  const mode = opts.mode ?? 'full';
  if (mode !== 'full' && mode !== 'sample') throw new InvalidArgumentError('mode', 'must be "full" or "sample"');
  const samples = opts.samples ?? DEFAULT_SAMPLES;
  if (!Number.isSafeInteger(samples) || samples < 1) throw new InvalidArgumentError('samples', 'must be a positive integer');
  return { mode, samples };
}
