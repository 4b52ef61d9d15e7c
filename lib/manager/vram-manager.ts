// VramManager: one device, one worker. Seals shards into device memory (hashing what the device
// holds, never the host copy), re-verifies them before inference, releases them, audits each step.
import { createHash, randomBytes } from 'node:crypto';
import {
  ContentMismatchError,
  InsufficientVramError,
  InvalidArgumentError,
  PolicyViolationError,
  SealVerificationError,
  VramResidencyError,
} from '../errors.js';
import type { AuditLogger } from '../audit/index.js';
import { type Allocation, type Backend, type Device, type DeviceProperties, nativeStatus, openDevice } from '../native/index.js';
import { type SealKey, type WasmCrypto, assertLeafSize, loadWasm } from '../wasm/index.js';
import { checkSealRecord, constantTimeEqual, toHex } from '../seal/check.js';
import { statDigestible } from '../engines/file-digest.js';
import {
  DIGEST_ALG,
  SEAL_FORMAT,
  SHARD_ID_PATTERN,
  WORKER_ID_PATTERN,
  type SealRecord,
  modelRefProblem,
} from '../seal/record.js';
import { CapacityLedger, type Capacity } from './capacity-ledger.js';
import { type PolicyFinding, type VramPolicy, allocationFinding, checkDevicePolicy } from './policy.js';
import { mismatchedLeaves, sampleLeafIndices } from './sampling.js';
import { SealedShard, type ShardState } from './sealed-shard.js';

export interface VramManagerOptions {
  /** The worker token; derives the seal key (SPEC §2) and is then dropped. */
  token: string;
  workerId: string;
  audit: AuditLogger;
  device?: number;
  backend?: 'auto' | Backend;
  policy?: VramPolicy;
  /** Largest single shard accepted. Default: no limit beyond the device. */
  maxShardBytes?: number;
  /** Most bytes this manager may hold at once. Default: the device's total memory. */
  maxTotalBytes?: number;
  leafSize?: number;
  /** host-sim only: simulated capacity in bytes (default 1 GiB). */
  simulatedCapacityBytes?: number;
  /** Allow flipBits() for fault-injection tests. Never in production. */
  faultInjection?: boolean;
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

export interface VerifyResult {
  shardId: string;
  mode: 'full' | 'sample';
  leavesChecked: number;
  ok: true;
}

/** What the manager keeps per shard: the device handle and the sealed leaf list stay here. */
interface ShardEntry {
  record: SealRecord;
  allocation: Allocation;
  leafList: Uint8Array;
  state: ShardState;
  ref: WeakRef<SealedShard>;
}

const DEFAULT_SAMPLES = 16;
const DEFAULT_SIM_CAPACITY = 1 << 30;
const now = (): string => new Date().toISOString();

export class VramManager {
  readonly workerId: string;
  readonly backend: Backend;
  readonly deviceIndex: number;
  readonly leafSize: number;
  readonly maxShardBytes: number;
  readonly #audit: AuditLogger;
  readonly #device: Device;
  readonly #properties: DeviceProperties;
  readonly #wasm: WasmCrypto;
  readonly #key: SealKey;
  readonly #ledger: CapacityLedger;
  readonly #entries = new Map<string, ShardEntry>();
  readonly #policy: VramPolicy;
  readonly #dropped: FinalizationRegistry<string>;
  /** Shard ids claimed by seals still in flight. */
  readonly #pendingIds = new Set<string>();
  /** Public operations in flight: close() waits for them. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  private constructor(init: {
    opts: VramManagerOptions;
    device: Device;
    properties: DeviceProperties;
    wasm: WasmCrypto;
    key: SealKey;
    leafSize: number;
  }) {
    const { opts, device, properties } = init;
    this.workerId = opts.workerId;
    this.backend = device.backend;
    this.deviceIndex = device.index;
    this.leafSize = init.leafSize;
    this.maxShardBytes = opts.maxShardBytes ?? Number.MAX_SAFE_INTEGER;
    this.#audit = opts.audit;
    this.#device = device;
    this.#properties = properties;
    this.#wasm = init.wasm;
    this.#key = init.key;
    this.#policy = opts.policy ?? {};
    this.#ledger = new CapacityLedger(() => device.memInfo(), opts.maxTotalBytes ?? Number.MAX_SAFE_INTEGER);
    this.#dropped = new FinalizationRegistry((shardId) => void this.#releaseDropped(shardId));
  }

  /** Opens a device for one worker; refuses devices the VRAM-only policy rejects (audited). */
  static async open(opts: VramManagerOptions): Promise<VramManager> {
    if (!opts || typeof opts !== 'object') throw new InvalidArgumentError('options', 'VramManager.open needs an options object');
    if (typeof opts.workerId !== 'string' || !WORKER_ID_PATTERN.test(opts.workerId)) {
      throw new InvalidArgumentError('workerId', 'must match ^[A-Za-z0-9._:-]{1,128}$');
    }
    if (!opts.audit || typeof opts.audit.emit !== 'function') {
      throw new InvalidArgumentError('audit', 'an AuditLogger is required: every allocation, seal and verification is audited');
    }
    const leafSize = opts.leafSize ?? 65536;
    assertLeafSize(leafSize);
    for (const limit of ['maxShardBytes', 'maxTotalBytes'] as const) {
      const value = opts[limit];
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) throw new InvalidArgumentError(limit, 'must be a positive integer');
    }
    const wasm = await loadWasm();
    const key = wasm.sealKey(opts.token); // validates the token; the token itself is not kept
    let device: Device | undefined;
    try {
      device = openDevice({
        backend: resolveBackend(opts.backend ?? 'auto'),
        index: opts.device ?? 0,
        capacityBytes: opts.simulatedCapacityBytes ?? DEFAULT_SIM_CAPACITY,
        faultInjection: opts.faultInjection ?? false,
      });
      const properties = device.properties();
      const findings = checkDevicePolicy(properties, opts.policy);
      if (findings.length > 0) {
        await reportViolation(opts.audit, opts.workerId, findings, 'worker_startup_blocked');
        throw policyError(findings);
      }
      return new VramManager({ opts, device, properties, wasm, key, leafSize });
    } catch (error) {
      device?.close();
      key.dispose();
      throw error;
    }
  }

  get kid(): string {
    return this.#key.kid;
  }

  /** Device facts the policy looked at. */
  deviceProperties(): DeviceProperties {
    return { ...this.#properties };
  }

  capacity(): Capacity {
    this.#assertOpen();
    return this.#ledger.snapshot();
  }

  /** Live shards (resident or failed), oldest first. */
  shards(): SealedShard[] {
    const out: SealedShard[] = [];
    for (const entry of this.#entries.values()) {
      const shard = entry.ref.deref();
      if (shard) out.push(shard);
    }
    return out;
  }

  /** Re-checks the device against the VRAM-only policy (e.g. after a driver change). */
  async checkPolicy(): Promise<void> {
    this.#assertOpen();
    const findings = checkDevicePolicy(this.#device.properties(), this.#policy);
    if (findings.length > 0) {
      await reportViolation(this.#audit, this.workerId, findings, 'operation_refused');
      throw policyError(findings);
    }
  }

  /** Streams a file into device memory and seals what the device holds. */
  sealFile(path: string, opts: SealOptions = {}): Promise<SealedShard> {
    return this.#operation(async () => {
      const size = await statDigestible(path);
      // Exactly the bytes that were sized and reserved: a file that changes meanwhile fails the upload.
      return this.#seal(size, opts, (allocation, onBytes, wantSha) =>
        allocation.uploadFile(path, { length: size, leafSize: this.leafSize, sha256: wantSha, onProgress: onBytes }),
      );
    });
  }

  /** Copies bytes into device memory and seals what the device holds. */
  sealBytes(bytes: Uint8Array, opts: SealOptions = {}): Promise<SealedShard> {
    return this.#operation(async () => {
      if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('bytes', 'must be a Uint8Array');
      return this.#seal(bytes.length, opts, async (allocation, onBytes, wantSha) => {
        await allocation.upload(0, bytes);
        onBytes(bytes.length);
        const leafList = await allocation.leafHashes(this.leafSize, 0, Math.ceil(bytes.length / this.leafSize));
        return { leafHashes: leafList, sha256: wantSha ? createHash('sha256').update(bytes).digest() : null };
      });
    });
  }

  async #seal(
    size: number,
    opts: SealOptions,
    fill: (a: Allocation, onBytes: (done: number) => void, wantSha: boolean) => Promise<{ leafHashes: Uint8Array; sha256: Uint8Array | null }>,
  ): Promise<SealedShard> {
    const shard = this.#validateSealOptions(size, opts);
    this.#pendingIds.add(shard.shardId); // claimed now: a concurrent seal cannot take the same id
    try {
      const allocation = await this.#allocate(size);
      try {
        return await this.#fillAndSeal(allocation, size, shard, opts, fill);
      } catch (error) {
        await this.#discard(allocation, size, shard.shardId);
        throw error;
      }
    } finally {
      this.#pendingIds.delete(shard.shardId);
    }
  }

  /** Reserve, then allocate; a short device is audited and reported as retriable. */
  async #allocate(size: number): Promise<Allocation> {
    const reservation = this.#reserve(size);
    try {
      const allocation = await this.#device.allocate(size);
      reservation.commit();
      return allocation;
    } catch (error) {
      reservation.cancel();
      if (error instanceof VramResidencyError && error.code === 'E_OUT_OF_MEMORY') {
        const available = this.#ledger.available();
        this.#audit.emit({
          type: 'vram.allocation_failed',
          data: { timestamp: now(), requested_bytes: size, available_bytes: available, reason: 'device out of memory', gpu_device: this.deviceIndex, worker_id: this.workerId },
        });
        throw new InsufficientVramError(size, available, `the device could not allocate ${size} bytes (${available} available by accounting); release shards and retry`);
      }
      throw error;
    }
  }

  async #fillAndSeal(
    allocation: Allocation,
    size: number,
    shard: Pick<SealRecord, 'shardId' | 'modelRef' | 'shardIndex' | 'shardCount'>,
    opts: SealOptions,
    fill: (a: Allocation, onBytes: (done: number) => void, wantSha: boolean) => Promise<{ leafHashes: Uint8Array; sha256: Uint8Array | null }>,
  ): Promise<SealedShard> {
    this.#audit.emit({
      type: 'vram.allocated',
      data: {
        timestamp: now(),
        requested_bytes: size,
        allocated_bytes: size,
        available_bytes: this.#ledger.available(),
        used_bytes: this.#ledger.used,
        gpu_device: this.deviceIndex,
        worker_id: this.workerId,
      },
    });
    const finding = allocationFinding(this.backend, allocation.isDeviceMemory());
    if (finding) {
      await reportViolation(this.#audit, this.workerId, [finding], 'allocation_refused');
      throw policyError([finding]);
    }
    const wantSha = opts.expectedSha256 !== undefined || opts.computeContentSha256 === true;
    const started = performance.now();
    const onBytes = (done: number): void => {
      const seconds = (performance.now() - started) / 1000;
      opts.onProgress?.({ shardId: shard.shardId, bytes: done, totalBytes: size, bytesPerSecond: seconds > 0 ? done / seconds : 0 });
    };
    const { leafHashes, sha256 } = await fill(allocation, onBytes, wantSha);
    const contentSha256 = sha256 ? toHex(sha256) : null;
    if (opts.expectedSha256 !== undefined && !constantTimeEqual(contentSha256 ?? '', opts.expectedSha256)) {
      throw new ContentMismatchError(`the bytes have SHA-256 ${contentSha256}, expected ${opts.expectedSha256}; nothing was sealed`);
    }
    const fields: Omit<SealRecord, 'mac'> = {
      format: SEAL_FORMAT,
      shardId: shard.shardId,
      digestAlg: DIGEST_ALG,
      leafSize: this.leafSize,
      size,
      digest: toHex(this.#wasm.combineLeafHashes(leafHashes)),
      contentSha256,
      device: this.deviceIndex,
      deviceUuid: this.#properties.uuid,
      backend: this.backend,
      sealedAt: now(),
      workerId: this.workerId,
      modelRef: shard.modelRef,
      shardIndex: shard.shardIndex,
      shardCount: shard.shardCount,
      kid: this.#key.kid,
    };
    return this.#register({ ...fields, mac: this.#key.mac(fields) }, allocation, leafHashes);
  }

  /** The seal is audited first; only then does the shard exist (an audit refusal fails the seal). */
  #register(record: SealRecord, allocation: Allocation, leafList: Uint8Array): SealedShard {
    this.#audit.emit({
      type: 'vram.sealed',
      data: { timestamp: now(), shard_id: record.shardId, gpu_device: this.deviceIndex, vram_bytes: record.size, digest: record.digest, worker_id: this.workerId },
    });
    let entry: ShardEntry;
    const shard = new SealedShard(record, () => entry.state);
    entry = { record, allocation, leafList, state: 'resident', ref: new WeakRef(shard) };
    this.#entries.set(record.shardId, entry);
    this.#dropped.register(shard, record.shardId, shard);
    return shard;
  }

  /**
   * A seal failed after allocating: free the memory and give the bytes back whatever else fails.
   * If the audit log refuses the record, the logger counts the loss and writes an audit.gap later.
   */
  async #discard(allocation: Allocation, size: number, shardId: string): Promise<void> {
    try {
      await allocation.free();
    } finally {
      this.#ledger.released(size);
    }
    try {
      this.#audit.emit({
        type: 'vram.deallocated',
        data: { timestamp: now(), shard_id: shardId, freed_bytes: size, remaining_used: this.#ledger.used, gpu_device: this.deviceIndex, worker_id: this.workerId },
      });
    } catch {
      // The original error is the one to report; the logger has counted this record as a gap.
    }
  }

  /**
   * Re-checks a shard's bytes in device memory against its seal. Any failure is audited as
   * critical, on disk before this rejects, and marks the shard failed for good.
   */
  verify(shard: SealedShard, opts: VerifyOptions = {}): Promise<VerifyResult> {
    return this.#operation(() => this.#verify(shard, opts));
  }

  async #verify(shard: SealedShard, opts: VerifyOptions): Promise<VerifyResult> {
    const mode = opts.mode ?? 'full';
    if (mode !== 'full' && mode !== 'sample') throw new InvalidArgumentError('mode', 'must be "full" or "sample"');
    const samples = opts.samples ?? DEFAULT_SAMPLES;
    if (!Number.isSafeInteger(samples) || samples < 1) throw new InvalidArgumentError('samples', 'must be a positive integer');
    const shardId = shard instanceof SealedShard ? shard.id : String((shard as { id?: unknown })?.id ?? 'unknown');
    const entry = this.#entries.get(shardId);
    if (!entry || entry.ref.deref() !== shard) {
      return this.#failVerification(shardId, null, 'shard is unknown to this manager or was released', null, null);
    }
    if (entry.state === 'failed') {
      return this.#failVerification(shardId, entry, 'shard failed an earlier verification', entry.record.digest, null);
    }
    try {
      checkSealRecord(entry.record, this.#key);
    } catch (error) {
      return this.#failVerification(shardId, entry, (error as Error).message, entry.record.digest, null);
    }
    let leavesChecked: number;
    try {
      if (mode === 'full') {
        const actual = toHex(await entry.allocation.root(entry.record.leafSize));
        if (!constantTimeEqual(actual, entry.record.digest)) {
          return this.#failVerification(shardId, entry, 'digest mismatch: device memory no longer matches the seal', entry.record.digest, actual);
        }
        leavesChecked = Math.ceil(entry.record.size / entry.record.leafSize);
      } else {
        const leafCount = Math.ceil(entry.record.size / entry.record.leafSize);
        const indices = sampleLeafIndices(leafCount, samples);
        const fresh = await entry.allocation.chosenLeafHashes(entry.record.leafSize, indices);
        const bad = mismatchedLeaves(indices, fresh, entry.leafList);
        if (bad.length > 0) {
          return this.#failVerification(shardId, entry, `leaf mismatch: ${bad.length} of ${indices.length} sampled leaves differ (first: leaf ${bad[0]})`, entry.record.digest, null);
        }
        leavesChecked = indices.length;
      }
    } catch (error) {
      if (error instanceof SealVerificationError) throw error;
      return this.#failVerification(shardId, entry, `device read error: ${(error as Error).message}`, entry.record.digest, null);
    }
    this.#audit.emit({ type: 'seal.verified', data: { timestamp: now(), shard_id: shardId, worker_id: this.workerId } });
    return { shardId, mode, leavesChecked, ok: true };
  }

  async #failVerification(
    shardId: string,
    entry: ShardEntry | null,
    reason: string,
    expected: string | null,
    actual: string | null,
  ): Promise<never> {
    if (entry) entry.state = 'failed';
    this.#audit.emit({
      type: 'seal.verification_failed',
      severity: 'critical',
      data: {
        timestamp: now(),
        shard_id: SHARD_ID_PATTERN.test(shardId) ? shardId : 'invalid',
        reason,
        expected_digest: expected,
        actual_digest: actual,
        worker_id: this.workerId,
        severity: 'critical',
      },
    });
    await this.#audit.flush(); // the failure is on disk before anyone can act on the rejection
    throw new SealVerificationError(shardId, reason, `shard ${shardId} failed verification: ${reason}. Do not run inference on it; release it and reload the model.`);
  }

  /**
   * Flips bits of one byte of a shard in device memory, to prove that verification catches it.
   * Only on managers opened with `faultInjection: true` (tests and drills, never production).
   */
  injectFaultForTesting(shard: SealedShard, offset: number, mask: number): Promise<void> {
    return this.#operation(async () => {
      const entry = shard instanceof SealedShard ? this.#entries.get(shard.id) : undefined;
      if (!entry || entry.ref.deref() !== shard) throw new VramResidencyError('E_FREED', 'the shard was released or does not belong to this manager');
      await entry.allocation.flipBits(offset, mask);
    });
  }

  /** Zeroes and frees the shard's device memory. Releasing twice is an error. */
  release(shard: SealedShard): Promise<void> {
    return this.#operation(async () => {
      const entry = shard instanceof SealedShard ? this.#entries.get(shard.id) : undefined;
      if (!entry || entry.ref.deref() !== shard) {
        throw new VramResidencyError('E_FREED', `shard ${shard instanceof SealedShard ? shard.id : '?'} was already released or does not belong to this manager`);
      }
      this.#dropped.unregister(shard);
      await this.#releaseEntry(entry);
    });
  }

  async #releaseEntry(entry: ShardEntry): Promise<void> {
    this.#entries.delete(entry.record.shardId);
    entry.state = 'released';
    try {
      await entry.allocation.free();
    } finally {
      this.#ledger.released(entry.record.size);
    }
    this.#audit.emit({
      type: 'vram.deallocated',
      data: {
        timestamp: now(),
        shard_id: entry.record.shardId,
        freed_bytes: entry.record.size,
        remaining_used: this.#ledger.used,
        gpu_device: this.deviceIndex,
        worker_id: this.workerId,
      },
    });
  }

  /** A SealedShard was garbage-collected without release(): free its memory and say so. */
  async #releaseDropped(shardId: string): Promise<void> {
    const entry = this.#entries.get(shardId);
    // The id may name a newer shard by now: only an entry whose public object is gone is ours.
    if (!entry || entry.ref.deref() !== undefined || this.#closing) return;
    this.#audit.emit({
      type: 'security.suspicious_activity',
      data: {
        timestamp: now(),
        activity: 'shard_dropped_without_release',
        details: 'a SealedShard was garbage-collected without release(); its device memory is zeroed and freed now',
        subject_id: shardId,
        worker_id: this.workerId,
      },
    });
    await this.#releaseEntry(entry).catch(() => undefined);
  }

  /**
   * Refuses new work, waits for operations in flight, releases every live shard (each audited),
   * closes the device, wipes the key and flushes the audit log. Every caller gets the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    try {
      for (const entry of [...this.#entries.values()]) {
        const shard = entry.ref.deref();
        if (shard) this.#dropped.unregister(shard);
        await this.#releaseEntry(entry);
      }
    } finally {
      this.#device.close();
      this.#key.dispose();
      await this.#audit.flush();
    }
  }

  /** Runs a public operation: refused once close() began, and tracked so close() can wait for it. */
  #operation<T>(run: () => Promise<T>): Promise<T> {
    try {
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    const op = run();
    this.#inFlight.add(op);
    const forget = () => this.#inFlight.delete(op);
    op.then(forget, forget);
    return op;
  }

  #assertOpen(): void {
    if (this.#closing) throw new VramResidencyError('E_CLOSED', 'this VramManager is closed; open a new one');
  }

  #validateSealOptions(size: number, opts: SealOptions): Pick<SealRecord, 'shardId' | 'modelRef' | 'shardIndex' | 'shardCount'> {
    if (size < 1 || size > this.maxShardBytes) {
      throw new InvalidArgumentError('size', `a shard must be 1 to ${this.maxShardBytes} bytes (maxShardBytes), got ${size}`);
    }
    const shardId = opts.shardId ?? `shard-${randomBytes(16).toString('hex')}`;
    if (!SHARD_ID_PATTERN.test(shardId)) throw new InvalidArgumentError('shardId', 'must match ^[A-Za-z0-9_-]{1,128}$');
    if (this.#entries.has(shardId) || this.#pendingIds.has(shardId)) {
      throw new InvalidArgumentError('shardId', `a live shard is already named ${shardId}`);
    }
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

  #reserve(size: number) {
    try {
      return this.#ledger.reserve(size);
    } catch (error) {
      if (error instanceof InsufficientVramError) {
        this.#audit.emit({
          type: 'vram.allocation_failed',
          data: { timestamp: now(), requested_bytes: size, available_bytes: error.availableBytes, reason: 'insufficient capacity', gpu_device: this.deviceIndex, worker_id: this.workerId },
        });
      }
      throw error;
    }
  }

  toString(): string {
    return `VramManager(${this.backend}:${this.deviceIndex}, worker ${this.workerId}, ${this.#entries.size} shards)`;
  }

  toJSON(): object {
    return { backend: this.backend, device: this.deviceIndex, workerId: this.workerId, kid: this.kid, shards: this.#entries.size };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function resolveBackend(backend: 'auto' | Backend): Backend {
  if (backend === 'cuda' || backend === 'host-sim') return backend;
  if (backend !== 'auto') throw new InvalidArgumentError('backend', 'must be "auto", "cuda" or "host-sim"');
  const status = nativeStatus();
  if (status.loaded && status.cudaDeviceCount > 0) return 'cuda';
  throw new VramResidencyError(
    'E_NO_DEVICE',
    `no usable CUDA device (${status.reason ?? 'none found'}); pass backend "host-sim" with policy.allowSimulatedDevice for tests and demos`,
  );
}

async function reportViolation(audit: AuditLogger, workerId: string, findings: PolicyFinding[], action: string): Promise<void> {
  for (const f of findings) {
    audit.emit({
      type: 'security.policy_violation',
      severity: 'critical',
      data: { timestamp: now(), policy: f.policy, violation: f.violation, details: f.details, severity: 'critical', worker_id: workerId, action_taken: action },
    });
  }
  await audit.flush();
}

function policyError(findings: PolicyFinding[]): PolicyViolationError {
  const first = findings[0]!;
  const details = findings.map((f) => f.details).join('; ');
  return new PolicyViolationError(first.policy, `VRAM-only policy refused: ${details}`, findings.map((f) => f.remediation).join('. '));
}
