// The consumer side of a lease: openIpcLease() maps an exported handle read-only in this process
// (host-sim: the sealed memfd through /proc; cuda: cudaIpcOpenMemHandle or the memory pool import)
// and hashes it on the device, so another process can prove it sees the sealed bytes before it
// runs inference on them. Open → hash → compare → close.
import { IpcUnavailableError, StaleHandleError } from '../errors.js';
import { equalsHex } from '../formats/constant-time.js';
import { fromHex } from '../formats/hex.js';
import { toHex } from '../formats/hex.js';
import { type Allocation, type Device, openDevice } from './device.js';
import { type IpcHandleJson, nativeIpcHandle, parseIpcHandle } from './ipc-handle.js';

export { IPC_HANDLE_FORMAT, type IpcHandleJson, type IpcHandleKind, parseIpcHandle } from './ipc-handle.js';

/** Options of {@link openIpcLease}. */
export interface OpenIpcLeaseOptions {
  /** host-sim: CPU threads that hash; default all cores. */
  threads?: number;
}

/**
 * Another process's sealed memory, mapped read-only here. `hash()` recomputes the SPEC §1 root on
 * the device; `matches()` compares it with the seal's digest the handle carries. Close it before the
 * exporter releases its lease (a stale handle fails with StaleHandleError, never old bytes).
 */
export class IpcLease {
  readonly handle: IpcHandleJson;
  readonly #device: Device;
  readonly #allocation: Allocation;
  #closed = false;

  /** @internal Created by openIpcLease. */
  constructor(handle: IpcHandleJson, device: Device, allocation: Allocation) {
    this.handle = handle;
    this.#device = device;
    this.#allocation = allocation;
  }

  /** The mapping's address in this process (cuda: a device pointer for this process's context). */
  get address(): bigint {
    return this.#allocation.address() + BigInt(this.handle.offset);
  }

  /** Bytes of sealed memory the handle covers. */
  get length(): number {
    return this.handle.length;
  }

  /** The seal's digest, as the exporter gave it. */
  get digest(): string {
    return this.handle.digest;
  }

  /** The SPEC §1 mth-sha256 root of the mapped bytes, computed on the device (lowercase hex). */
  async hash(): Promise<string> {
    this.#assertOpen();
    this.#device.checkIpc(nativeIpcHandle(this.handle));
    const { offset, length, leafSize } = this.handle;
    const root =
      offset === 0 && length === this.#allocation.size
        ? await this.#allocation.root(leafSize)
        : await this.#allocation.rangeRoots(leafSize, [[offset, length]]);
    // The exporter may have released meanwhile (its zeroing is what we hashed): say so plainly.
    this.#device.checkIpc(nativeIpcHandle(this.handle));
    return toHex(root);
  }

  /** True when the device-side hash equals the seal's digest. */
  async matches(): Promise<boolean> {
    return equalsHex(fromHex(await this.hash()), this.handle.digest);
  }

  /** Unmaps the memory (never zeroes it: it is the exporter's) and closes the device. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#allocation.free();
    } finally {
      this.#device.close();
    }
  }

  /** @internal The mapped allocation (host-sim test helpers). */
  allocationForTesting(): Allocation {
    return this.#allocation;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StaleHandleError(`the IPC lease of shard ${this.handle.shardId} was closed`);
  }

  /** Kind, shard, length and digest: the handle's public facts. */
  toJSON(): object {
    const { kind, shardId, leaseId, length, digest, device } = this.handle;
    return { kind, shardId, leaseId, device, length, digest, closed: this.#closed };
  }
}

/**
 * Opens an exported lease (`lease.exportIpc()`, JSON text or object) in this process, read-only.
 * Errors: InvalidArgumentError for a malformed handle, StaleHandleError when the memory is gone,
 * IpcUnavailableError when this process may not map it (another device, user or PID namespace).
 */
export async function openIpcLease(input: string | IpcHandleJson, opts: OpenIpcLeaseOptions = {}): Promise<IpcLease> {
  const handle = parseIpcHandle(input);
  const device = await openDevice({
    backend: handle.backend,
    index: handle.device,
    capacityBytes: 1,
    ...(opts.threads === undefined ? {} : { threads: opts.threads }),
  });
  try {
    const uuid = device.properties().uuid;
    if (handle.deviceUuid !== null && uuid !== handle.deviceUuid) {
      throw new IpcUnavailableError(
        `the handle names device ${handle.deviceUuid} but device ${handle.device} here is ${uuid}: CUDA IPC works on the same device only (check CUDA_VISIBLE_DEVICES)`,
      );
    }
    return new IpcLease(handle, device, await device.openIpc(nativeIpcHandle(handle)));
  } catch (error) {
    device.close();
    throw error;
  }
}
