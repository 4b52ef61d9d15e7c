// The IPC handle as JSON: what `lease.exportIpc()` gives and `openIpcLease()` takes. It names the
// mechanism (`kind`), the device, the exporter and the sealed bytes it covers (shard, digest, leaf
// size), so a consumer can map it and prove it sees the sealed bytes. Parsing checks every member.
import { InvalidArgumentError } from '../errors.js';
import { HEX64_PATTERN } from '../formats/patterns.js';
import { assertLeafSize } from '../formats/leaf-size.js';
import type { NativeIpcHandle } from './addon.js';
import type { Backend } from './types.js';

/** The `format` member of every handle this version writes. */
export const IPC_HANDLE_FORMAT = 'vram-residency.ipc.v1';

/**
 * How the memory is shared. `host-memfd`: host-sim memory, a sealed memfd the consumer opens
 * read-only through `/proc/<pid>/fd/<fd>`. `cuda-legacy`: a 64-byte `cudaIpcMemHandle_t` of
 * cudaMalloc memory (`cudaIpcOpenMemHandle`). `cuda-mempool`: a 64-byte `cudaMemPoolPtrExportData`
 * of stream-ordered pool memory (`cudaMemPoolImportPointer`); the pool's POSIX fd comes from the
 * exporter over the abstract Unix socket `vram-residency-fd-<token>` (SCM_RIGHTS, same uid only).
 */
export type IpcHandleKind = 'host-memfd' | 'cuda-legacy' | 'cuda-mempool';

/** An exported lease, as JSON. Holds no secret: it opens memory only for the exporter's user on the same device. */
export interface IpcHandleJson {
  format: typeof IPC_HANDLE_FORMAT;
  kind: IpcHandleKind;
  backend: Backend;
  /** Device ordinal in the exporter (same CUDA_VISIBLE_DEVICES in the consumer), and its UUID (cuda). */
  device: number;
  deviceUuid: string | null;
  /** The exporting process. */
  pid: number;
  /** host-memfd: the exporter's descriptor number; -1 for cuda kinds. */
  fd: number;
  /** host-memfd: the memfd's name token; cuda-mempool: the fd socket's token; '' for cuda-legacy. */
  token: string;
  /** cuda kinds: the 64-byte handle as 128 hex digits; '' for host-memfd. */
  handle: string;
  /** The sealed bytes within the mapped allocation: offset (0) and length (the shard's size). */
  offset: number;
  length: number;
  shardId: string;
  leaseId: string;
  /** The seal's digest (SPEC §1 mth-sha256 root with `leafSize`): what `IpcLease.hash()` must give. */
  digest: string;
  leafSize: number;
}

const KINDS: readonly IpcHandleKind[] = ['host-memfd', 'cuda-legacy', 'cuda-mempool'];

/** Builds the JSON handle from the addon's export and the lease's facts. */
export function ipcHandleJson(
  native: NativeIpcHandle,
  facts: Pick<IpcHandleJson, 'backend' | 'device' | 'deviceUuid' | 'shardId' | 'leaseId' | 'digest' | 'leafSize'>,
): IpcHandleJson {
  return {
    format: IPC_HANDLE_FORMAT,
    kind: native.kind as IpcHandleKind,
    backend: facts.backend,
    device: facts.device,
    deviceUuid: facts.deviceUuid,
    pid: native.pid,
    fd: native.fd,
    token: native.token,
    handle: Buffer.from(native.opaque).toString('hex'),
    offset: 0,
    length: native.size,
    shardId: facts.shardId,
    leaseId: facts.leaseId,
    digest: facts.digest,
    leafSize: facts.leafSize,
  };
}

function bad(member: string, message: string): never {
  throw new InvalidArgumentError(`handle.${member}`, message);
}

function integer(h: Record<string, unknown>, member: string, min: number): number {
  const v = h[member];
  if (!Number.isSafeInteger(v) || (v as number) < min) bad(member, `must be an integer >= ${min}`);
  return v as number;
}

/** Checks a handle (JSON text or object) member by member; InvalidArgumentError (E_ARG) names the first bad one. */
export function parseIpcHandle(input: string | IpcHandleJson): IpcHandleJson {
  let h: Record<string, unknown>;
  try {
    h = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, unknown>;
  } catch {
    throw new InvalidArgumentError('handle', 'is not JSON');
  }
  if (h === null || typeof h !== 'object') throw new InvalidArgumentError('handle', 'must be an object or JSON text');
  if (h.format !== IPC_HANDLE_FORMAT) bad('format', `must be "${IPC_HANDLE_FORMAT}"`);
  if (!KINDS.includes(h.kind as IpcHandleKind)) bad('kind', `must be one of ${KINDS.join(', ')}`);
  const backend = h.kind === 'host-memfd' ? 'host-sim' : 'cuda';
  if (h.backend !== backend) bad('backend', `must be "${backend}" for kind ${h.kind}`);
  if (h.deviceUuid !== null && typeof h.deviceUuid !== 'string') bad('deviceUuid', 'must be a string or null');
  if (typeof h.token !== 'string' || !/^[0-9a-f]{0,64}$/.test(h.token)) bad('token', 'must be lowercase hex');
  const opaque = h.kind === 'host-memfd' ? '' : 'x'.repeat(128);
  if (typeof h.handle !== 'string' || !/^[0-9a-f]*$/.test(h.handle) || h.handle.length !== opaque.length) {
    bad('handle', h.kind === 'host-memfd' ? 'must be empty for host-memfd' : 'must be 128 hex digits');
  }
  if (typeof h.shardId !== 'string' || typeof h.leaseId !== 'string') bad('shardId', 'shardId and leaseId are strings');
  if (typeof h.digest !== 'string' || !HEX64_PATTERN.test(h.digest)) bad('digest', 'must be 64 lowercase hex');
  const leafSize = integer(h, 'leafSize', 1);
  assertLeafSize(leafSize);
  const length = integer(h, 'length', 1);
  const offset = integer(h, 'offset', 0);
  if (offset !== 0) bad('offset', 'must be 0 (a handle covers the whole sealed allocation)');
  integer(h, 'device', 0);
  integer(h, 'pid', 1);
  if (h.kind === 'host-memfd') integer(h, 'fd', 0);
  else if (h.fd !== -1) bad('fd', 'must be -1 for cuda kinds');
  return { ...(h as unknown as IpcHandleJson), length, offset, leafSize };
}

/** The addon's form of a checked handle. */
export function nativeIpcHandle(h: IpcHandleJson): NativeIpcHandle {
  return {
    kind: h.kind,
    pid: h.pid,
    fd: Math.max(h.fd, 0),
    token: h.token,
    opaque: Buffer.from(h.handle, 'hex'),
    size: h.length,
  };
}
