// Argument checks for VramManager: open options, seal options and verify options. They run
// before any device memory is touched, so a bad argument never allocates or audits anything.
import { InvalidArgumentError } from '../errors.js';
import { assertInteger, assertPattern, positiveInteger } from '../formats/args.js';
import { assertLeafSize } from '../formats/leaf-size.js';
import { HEX64_PATTERN, SHARD_ID_PATTERN, WORKER_ID_PATTERN } from '../formats/patterns.js';
import type { SealRecord } from '../formats/seal-record.js';
import { modelRefProblem } from '../seal/record.js';
import type { AuditLogger } from '../audit/index.js';
import type { Backend } from '../native/index.js';
import type { VramPolicy } from './policy.js';
import { type KeyObject, randomBytes } from 'node:crypto';
import type { SigningKey } from '../attest/node-keys.js';

/** What VramManager.open takes. */
export interface VramManagerOptions {
  /** The worker token (16–4096 bytes of UTF-8); derives the seal key (SPEC §2) and is then dropped. */
  token: string;
  /** This worker's id, recorded in every seal and audit record: 1–128 of A–Z a–z 0–9 . _ : - (SPEC §3). */
  workerId: string;
  /** The audit log every allocation, seal, verification, failure and release is written to. */
  audit: AuditLogger;
  /** CUDA device index (default 0). */
  device?: number;
  /**
   * 'cuda', 'host-sim' (host memory standing in for a device: tests and demos, never VRAM; needs
   * `policy.allowSimulatedDevice`), or 'auto' (default): cuda when the addon sees a device.
   */
  backend?: 'auto' | Backend;
  /** The VRAM-only policy's settings (simulated device, minimum compute capability). */
  policy?: VramPolicy;
  /** Largest single shard accepted. Default: no limit beyond the device. */
  maxShardBytes?: number;
  /** Most bytes this manager may hold at once. Default: the device's total memory. */
  maxTotalBytes?: number;
  /** Merkle leaf size in bytes: a power of two from 4096 to 16 MiB (default 65536, SPEC §1). */
  leafSize?: number;
  /** host-sim only: simulated capacity in bytes (default 1 GiB). */
  simulatedCapacityBytes?: number;
  /** Allow flipBits() for fault-injection tests. Never in production. */
  faultInjection?: boolean;
  /**
   * Attestation key (PKCS#8 PEM text or bytes, a node:crypto private KeyObject, or a loaded
   * SigningKey): every seal then also yields a signed Sigstore bundle (`shard.bundleJson()`,
   * SPEC §5) and records contentSha256. Never logged or echoed.
   */
  signer?: string | Uint8Array | KeyObject | SigningKey;
}

export interface VerifyResult {
  shardId: string;
  mode: 'full' | 'sample';
  leavesChecked: number;
  /** With `tensors`: how many tensors the checked leaves covered. */
  tensors?: number;
  ok: true;
}

export interface SealOptions {
  shardId?: string;
  modelRef?: string;
  shardIndex?: number;
  shardCount?: number;
  /** Published SHA-256 of the bytes: the seal aborts on a mismatch. */
  expectedSha256?: string;
  /** Record the plain SHA-256 in the seal (contentSha256). Implied by expectedSha256. */
  computeContentSha256?: boolean;
  /** Called as bytes land on the device, with the rate so far. */
  onProgress?: (p: SealProgress) => void;
  /** Stops the seal: the upload ends at the next piece boundary, and the seal rejects with AbortError. */
  signal?: AbortSignal;
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
  /**
   * Aim at these tensors (safetensors or GGUF shard): only the leaves they span, plus the header's
   * leaves, are re-hashed — all of them ('full') or `samples` of them ('sample').
   */
  tensors?: readonly string[];
}

/** The identity members of a seal record, checked. */
export type ShardIdentity = Pick<SealRecord, 'shardId' | 'modelRef' | 'shardIndex' | 'shardCount'>;

const DEFAULT_LEAF_SIZE = 65536;
const DEFAULT_SAMPLES = 16;

/** Checks what VramManager.open needs before it touches a device; returns the leaf size. */
export function checkOpenOptions(opts: VramManagerOptions): number {
  if (!opts || typeof opts !== 'object')
    throw new InvalidArgumentError('options', 'VramManager.open needs an options object');
  assertPattern(opts.workerId, 'workerId', WORKER_ID_PATTERN);
  if (!opts.audit || typeof opts.audit.emit !== 'function') {
    throw new InvalidArgumentError(
      'audit',
      'an AuditLogger is required: every allocation, seal and verification is audited',
    );
  }
  const leafSize = opts.leafSize ?? DEFAULT_LEAF_SIZE;
  assertLeafSize(leafSize);
  for (const limit of ['maxShardBytes', 'maxTotalBytes'] as const) positiveInteger(opts[limit], limit, 1);
  return leafSize;
}

/** Checks the size and identity of a new shard; `taken` says whether an id is in use. */
export function checkSealOptions(
  size: number,
  maxShardBytes: number,
  opts: SealOptions,
  taken: (id: string) => boolean,
): ShardIdentity {
  if (size < 1 || size > maxShardBytes) {
    throw new InvalidArgumentError('size', `a shard must be 1 to ${maxShardBytes} bytes (maxShardBytes), got ${size}`);
  }
  const shardId = opts.shardId ?? `shard-${randomBytes(16).toString('hex')}`;
  assertPattern(shardId, 'shardId', SHARD_ID_PATTERN);
  if (taken(shardId)) throw new InvalidArgumentError('shardId', `a live shard is already named ${shardId}`);
  const modelRef = opts.modelRef ?? null;
  if (modelRef !== null) {
    const problem = typeof modelRef === 'string' ? modelRefProblem(modelRef) : 'must be a string';
    if (problem) throw new InvalidArgumentError('modelRef', problem);
  }
  const shardIndex = opts.shardIndex ?? null;
  const shardCount = opts.shardCount ?? null;
  if ((shardIndex === null) !== (shardCount === null))
    throw new InvalidArgumentError('shardIndex', 'give shardIndex and shardCount together');
  if (shardCount !== null) {
    assertInteger(shardCount, 'shardCount', 1, 65535);
    assertInteger(shardIndex, 'shardIndex', 0, shardCount - 1);
  }
  if (opts.expectedSha256 !== undefined) assertPattern(opts.expectedSha256, 'expectedSha256', HEX64_PATTERN);
  return { shardId, modelRef, shardIndex, shardCount };
}

export function checkVerifyOptions(opts: VerifyOptions): { mode: 'full' | 'sample'; samples: number } {
  const mode = opts.mode ?? 'full';
  if (mode !== 'full' && mode !== 'sample') throw new InvalidArgumentError('mode', 'must be "full" or "sample"');
  const samples = positiveInteger(opts.samples, 'samples', DEFAULT_SAMPLES);
  return { mode, samples };
}
