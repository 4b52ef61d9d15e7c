// VramManager: one device, one worker. Seals shards into device memory (hashing what the device
// holds, never the host copy), re-verifies them before inference, releases them, audits each step.
// The shard table (shard-table.ts), audit records (audit-trail.ts) and argument checks
// (seal-options.ts) live next door; this file is the seal → verify → release → close flow.
import { ClosedError, ContentMismatchError, DeviceError, InvalidArgumentError } from '../errors.js';
import { type Allocation, type Backend, type Device, type DeviceProperties, openDevice } from '../native/index.js';
import { type SealKey, type WasmCrypto, loadWasm } from '../wasm/index.js';
import { constantTimeEqual } from '../formats/constant-time.js';
import { fromHex, toHex } from '../formats/hex.js';
import { statDigestible } from '../engines/file-stat.js';
import { CapacityLedger, type Capacity, allocateWithin } from './capacity-ledger.js';
import { type VramPolicy, allocationFinding, checkDevicePolicy, enforce, resolveBackend } from './policy.js';
import { SealedShard } from './sealed-shard.js';
import { assertInstance } from '../formats/args.js';
import { ShardTable, type ShardEntry } from './shard-table.js';
import { verifyShard } from './shard-verifier.js';
import type { Lease, LeaseOptions } from './lease.js';
import { LeaseBook, type ReleaseOptions, type VramStatus } from './lease-book.js';
import { buildSealRecord, progressReporter } from './record-builder.js';
import { ManagerAuditTrail, reportPolicyViolation } from './audit-trail.js';
import { type Fill, bytesFill, checkSignal, discardReason, fileFill, throwIfAborted } from './fill.js';
import { type SigningKey, loadSigningKey } from '../attest/node-keys.js';
import { serializeBundle, signSealRecord } from '../attest/seal-node.js';
import { type SealModelOptions, type SealedModel, sealSignedModel } from '../attest/seal-model.js';
import {
  type SealOptions,
  type ShardIdentity,
  type VerifyOptions,
  type VerifyResult,
  type VramManagerOptions,
  checkOpenOptions,
  checkSealOptions,
} from './seal-options.js';

export type { SealOptions, SealProgress, VerifyOptions, VerifyResult, VramManagerOptions } from './seal-options.js';
export type { ReleaseOptions, VramStatus } from './lease-book.js';
const DEFAULT_SIM_CAPACITY = 1 << 30;

/**
 * One worker's sealed residency on one device: seals model shards into device memory (the device
 * hashes what it holds), re-verifies them before inference (in full or by sampled leaves), releases
 * them (zeroed), and audits every step. Open with {@link VramManager.open}; close with `close()`.
 * Design notes: docs/manager.md.
 */
export class VramManager {
  readonly workerId: string;
  readonly backend: Backend;
  readonly deviceIndex: number;
  readonly leafSize: number;
  readonly maxShardBytes: number;
  readonly #trail: ManagerAuditTrail;
  readonly #device: Device;
  readonly #properties: DeviceProperties;
  readonly #wasm: WasmCrypto;
  readonly #key: SealKey;
  readonly #signer: SigningKey | null;
  readonly #ledger: CapacityLedger;
  readonly #shards: ShardTable;
  readonly #policy: VramPolicy;
  readonly #leases: LeaseBook;
  /** Public operations in flight: close() waits for them. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  private constructor(
    opts: VramManagerOptions,
    device: Device,
    properties: DeviceProperties,
    wasm: WasmCrypto,
    key: SealKey,
    leafSize: number,
    signer: SigningKey | null,
  ) {
    this.workerId = opts.workerId;
    this.backend = device.backend;
    this.deviceIndex = device.index;
    this.leafSize = leafSize;
    this.maxShardBytes = opts.maxShardBytes ?? Number.MAX_SAFE_INTEGER;
    this.#trail = new ManagerAuditTrail(opts.audit, device.index, opts.workerId);
    this.#device = device;
    this.#properties = properties;
    this.#wasm = wasm;
    this.#key = key;
    this.#signer = signer;
    this.#policy = opts.policy ?? {};
    this.#ledger = new CapacityLedger(() => device.memInfo(), opts.maxTotalBytes ?? Number.MAX_SAFE_INTEGER);
    this.#shards = new ShardTable((entry) => void this.#releaseDropped(entry));
    this.#leases = new LeaseBook(opts.audit, opts.workerId, properties);
  }

  /** Opens a device for one worker; refuses devices the VRAM-only policy rejects (audited). */
  static async open(opts: VramManagerOptions): Promise<VramManager> {
    const leafSize = checkOpenOptions(opts);
    const signer = opts.signer === undefined ? null : await loadSigningKey(opts.signer);
    const wasm = await loadWasm();
    const key = wasm.sealKey(opts.token); // validates the token; the token itself is not kept
    let device: Device | undefined;
    try {
      device = await openDevice({
        backend: resolveBackend(opts.backend ?? 'auto'),
        index: opts.device ?? 0,
        capacityBytes: opts.simulatedCapacityBytes ?? DEFAULT_SIM_CAPACITY,
        faultInjection: opts.faultInjection ?? false,
      });
      const properties = device.properties();
      await enforce(checkDevicePolicy(properties, opts.policy), (f) =>
        reportPolicyViolation(opts.audit, opts.workerId, f, 'worker_startup_blocked'),
      );
      return new VramManager(opts, device, properties, wasm, key, leafSize, signer);
    } catch (error) {
      device?.close();
      key.dispose();
      throw error;
    }
  }

  /** The seal key id (16 hex): names the key without revealing it. */
  get kid(): string {
    return this.#key.kid;
  }

  /** Device facts the policy looked at. */
  deviceProperties(): DeviceProperties {
    return { ...this.#properties };
  }

  /** Device capacity as the manager accounts for it: total, free, used by shards, reserved by seals in flight, max. */
  capacity(): Capacity {
    this.#assertOpen();
    return this.#ledger.snapshot();
  }

  /** Live shards (resident or failed), oldest first. */
  shards(): SealedShard[] {
    return this.#shards.shards();
  }

  /** Re-checks the device against the VRAM-only policy (e.g. after a driver change). */
  async checkPolicy(): Promise<void> {
    this.#assertOpen();
    await enforce(checkDevicePolicy(this.#device.properties(), this.#policy), (f) =>
      this.#trail.policyViolation(f, 'operation_refused'),
    );
  }

  /**
   * Streams a file into device memory and seals what the device holds. `opts.signal` stops the
   * upload between pieces: the memory is freed, the bytes returned, and it rejects with AbortError.
   */
  sealFile(path: string, opts: SealOptions = {}): Promise<SealedShard> {
    return this.#operation(async () => {
      const signal = checkSignal(opts?.signal);
      const size = await statDigestible(path);
      // Exactly the bytes that were sized and reserved; a file that changes meanwhile is not sealed.
      return this.#seal(size, opts, (shardId) => fileFill(path, size, this.leafSize, shardId, signal));
    });
  }

  /** Copies bytes into device memory and seals what the device holds; `opts.signal` as in sealFile. */
  sealBytes(bytes: Uint8Array, opts: SealOptions = {}): Promise<SealedShard> {
    return this.#operation(async () => {
      if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError('bytes', 'must be a Uint8Array');
      const signal = checkSignal(opts?.signal);
      return this.#seal(bytes.length, opts, (shardId) => bytesFill(bytes, this.leafSize, shardId, signal));
    });
  }

  async #seal(size: number, opts: SealOptions, fillFor: (shardId: string) => Fill): Promise<SealedShard> {
    const shard = checkSealOptions(size, this.maxShardBytes, opts, (id) => this.#shards.taken(id));
    throwIfAborted(opts.signal, shard.shardId); // before anything is reserved or audited
    const fill = fillFor(shard.shardId);
    const unclaim = this.#shards.claim(shard.shardId); // claimed now: a concurrent seal cannot take the same id
    try {
      const allocation = await allocateWithin(
        this.#ledger,
        size,
        (n) => this.#device.allocate(n),
        (available, reason) => this.#trail.allocationFailed(size, available, reason),
      );
      try {
        return await this.#fillAndSeal(allocation, size, shard, opts, fill);
      } catch (error) {
        await this.#discard(allocation, size, shard.shardId, discardReason(error));
        throw error;
      }
    } finally {
      unclaim();
    }
  }

  async #fillAndSeal(
    allocation: Allocation,
    size: number,
    shard: ShardIdentity,
    opts: SealOptions,
    fill: Fill,
  ): Promise<SealedShard> {
    this.#trail.allocated(size, this.#ledger.available(), this.#ledger.used);
    const finding = allocationFinding(this.backend, allocation.isDeviceMemory());
    await enforce(finding ? [finding] : [], (f) => this.#trail.policyViolation(f, 'allocation_refused'));
    // An attestation names the content's SHA-256 (SPEC §5), so a signer always computes it.
    const wantSha = opts.expectedSha256 !== undefined || opts.computeContentSha256 === true || this.#signer !== null;
    const onBytes = progressReporter(opts, shard.shardId, size);
    throwIfAborted(opts.signal, shard.shardId, 0, size);
    const { leafHashes, sha256 } = await fill(allocation, onBytes, wantSha);
    throwIfAborted(opts.signal, shard.shardId, size, size);
    const contentSha256 = sha256 ? toHex(sha256) : null;
    // expectedSha256 passed the HEX64 check in the options; the digests are compared as bytes.
    if (opts.expectedSha256 !== undefined && !(sha256 && constantTimeEqual(sha256, fromHex(opts.expectedSha256)))) {
      throw new ContentMismatchError(
        `the bytes have SHA-256 ${contentSha256}, expected ${opts.expectedSha256}; nothing was sealed`,
      );
    }
    const record = buildSealRecord(this.#wasm, this.#key, {
      shard,
      leafSize: this.leafSize,
      size,
      leafHashes,
      contentSha256,
      device: this.deviceIndex,
      deviceUuid: this.#properties.uuid,
      backend: this.backend,
      workerId: this.workerId,
    });
    // The seal is audited first; only then does the shard exist (an audit refusal fails the seal).
    const bundle = this.#signer ? serializeBundle(signSealRecord(record, this.#signer)) : null;
    this.#trail.sealed(record.shardId, record.size, record.digest);
    return this.#shards.add(record, allocation, leafHashes, bundle);
  }

  /**
   * A seal failed after allocating: free the memory and give the bytes back whatever else fails.
   * If the audit log refuses the record, the logger counts the loss and writes an audit.gap later.
   */
  async #discard(allocation: Allocation, size: number, shardId: string, reason: string): Promise<void> {
    try {
      await allocation.free();
    } finally {
      this.#ledger.released(size);
    }
    try {
      this.#trail.deallocated(shardId, size, this.#ledger.used, reason);
    } catch {
      // The original error is the one to report; the logger has counted this record as a gap.
    }
  }

  /**
   * Re-checks a shard's bytes in device memory against its seal. Any failure is audited as
   * critical, on disk before this rejects, and marks the shard failed for good.
   */
  verify(shard: SealedShard, opts: VerifyOptions = {}): Promise<VerifyResult> {
    const ctx = { shards: this.#shards, key: this.#key, trail: this.#trail, tensorLeaves: this.#leases.tensorLeaves };
    // A failure reaches every open lease of the shard (lease.state 'failed', a 'failed' event).
    return this.#operation(() => verifyShard(ctx, shard, opts).catch(this.#leases.failLeasesAndRethrow));
  }

  /**
   * Lends a resident shard's sealed memory to inference (docs/inference.md): device, address,
   * length, digest, IPC export and tensor views. Audited; while open, the shard cannot be released.
   */
  lease(shard: SealedShard, opts: LeaseOptions): Promise<Lease> {
    return this.#operation(async () => this.#leases.open(this.#shards.owned(shard), opts));
  }

  /** Shards and leases held now, and the capacity ledger. */
  status(): VramStatus {
    const { backend, deviceIndex: device } = this;
    return { backend, device, shards: this.#shards.size, leases: this.#leases.counts(), capacity: this.capacity() };
  }

  /**
   * Seals a model a publisher signed (SPEC §5 OMS; lib/attest/seal-model.ts): signature and file
   * list first, then each file, its device-side SHA-256 checked against the signed manifest. Any
   * failure releases the model's shards, puts a critical integrity.violation on disk, names the file;
   * an abort (`opts.signal`) releases them too and rejects with AbortError.
   */
  sealModel(dir: string, opts: SealModelOptions): Promise<SealedModel<SealedShard>> {
    const sealer = {
      sealFile: this.sealFile.bind(this),
      release: this.release.bind(this),
      reportIntegrityViolation: this.#trail.integrityViolation.bind(this.#trail),
    };
    return this.#operation(async () => {
      checkSignal(opts?.signal); // `opts.signal` goes to each file's sealFile
      return sealSignedModel(sealer, dir, opts); // close() waits until a failure has unwound
    });
  }

  /**
   * Flips bits of one byte of a shard in device memory, to prove that verification catches it.
   * Only on managers opened with `faultInjection: true` (tests and drills, never production).
   * @internal
   */
  injectFaultForTesting(shard: SealedShard, offset: number, mask: number): Promise<void> {
    return this.#operation(async () => {
      assertInstance(shard, SealedShard, 'shard', 'a SealedShard (from sealFile or sealModel)');
      const entry = this.#shards.owned(shard);
      if (!entry) throw new DeviceError('E_FREED', 'the shard was released or does not belong to this manager');
      await entry.allocation.flipBits(offset, mask);
    });
  }

  /**
   * Zeroes and frees the shard's device memory. Releasing twice is an error. With open leases it
   * refuses (LeasedError) or, with `{ whenLeased: 'wait' }`, waits until they are released.
   */
  release(shard: SealedShard, opts: ReleaseOptions = {}): Promise<void> {
    return this.#operation(async () => {
      assertInstance(shard, SealedShard, 'shard', 'a SealedShard (from sealFile or sealModel)');
      const id = shard instanceof SealedShard ? shard.id : '?';
      const freed = () =>
        new DeviceError('E_FREED', `shard ${id} was already released or does not belong to this manager`);
      const entry = this.#shards.owned(shard);
      if (!entry) throw freed();
      await this.#leases.beforeRelease(entry, opts?.whenLeased);
      if (this.#shards.owned(shard) !== entry) throw freed(); // released by someone else meanwhile
      await this.#releaseEntry(entry);
    });
  }

  async #releaseEntry(entry: ShardEntry): Promise<void> {
    this.#shards.remove(entry);
    let zeroed = true;
    try {
      ({ zeroed } = await entry.allocation.free());
    } finally {
      this.#ledger.released(entry.record.size);
    }
    if (!zeroed) await this.#trail.notZeroed(entry.record.shardId, entry.record.size);
    this.#trail.deallocated(entry.record.shardId, entry.record.size, this.#ledger.used);
  }

  /** A SealedShard was garbage-collected without release(): free its memory and say so. */
  async #releaseDropped(entry: ShardEntry): Promise<void> {
    if (this.#closing) return;
    this.#trail.droppedWithoutRelease(entry.record.shardId);
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
    this.#leases.revokeAll(); // audited; a release waiting for them proceeds
    await Promise.allSettled([...this.#inFlight]);
    try {
      for (const entry of this.#shards.entries()) await this.#releaseEntry(entry);
    } finally {
      this.#device.close();
      this.#key.dispose();
      await this.#trail.flush();
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
    if (this.#closing) throw new ClosedError('this VramManager is closed; open a new one');
  }

  /** Backend, device, worker and shard count: never the token or the key. */
  toString(): string {
    return `VramManager(${this.backend}:${this.deviceIndex}, worker ${this.workerId}, ${this.#shards.size} shards)`;
  }

  /** Backend, device, worker, kid and shard count: never the token or the key. */
  toJSON(): object {
    return {
      backend: this.backend,
      device: this.deviceIndex,
      workerId: this.workerId,
      kid: this.kid,
      shards: this.#shards.size,
    };
  }

  /** util.inspect shows the same line as toString. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
