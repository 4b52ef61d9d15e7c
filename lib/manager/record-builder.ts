// The SPEC §3 seal record for bytes the device holds: the root folded (in WASM) from the leaf list
// the device computed, then MACed with the seal key. Also the progress callback of one seal.
import { DIGEST_ALG, SEAL_FORMAT, type SealRecord } from '../formats/seal-record.js';
import type { Backend } from '../native/index.js';
import { toHex } from '../formats/hex.js';
import type { SealKey, WasmCrypto } from '../wasm/index.js';
import type { SealOptions, ShardIdentity } from './seal-options.js';

export interface SealedBytes {
  shard: ShardIdentity;
  leafSize: number;
  size: number;
  leafHashes: Uint8Array;
  contentSha256: string | null;
  device: number;
  deviceUuid: string | null;
  backend: Backend;
  workerId: string;
}

export function buildSealRecord(wasm: WasmCrypto, key: SealKey, b: SealedBytes): SealRecord {
  const fields: Omit<SealRecord, 'mac'> = {
    format: SEAL_FORMAT,
    shardId: b.shard.shardId,
    digestAlg: DIGEST_ALG,
    leafSize: b.leafSize,
    size: b.size,
    digest: toHex(wasm.combineLeafHashes(b.leafHashes)),
    contentSha256: b.contentSha256,
    device: b.device,
    deviceUuid: b.deviceUuid,
    backend: b.backend,
    sealedAt: new Date().toISOString(),
    workerId: b.workerId,
    modelRef: b.shard.modelRef,
    shardIndex: b.shard.shardIndex,
    shardCount: b.shard.shardCount,
    kid: key.kid,
  };
  return { ...fields, mac: key.mac(fields) };
}

/** Turns bytes-done counts into the caller's SealProgress events (with the rate so far). */
export function progressReporter(opts: SealOptions, shardId: string, totalBytes: number): (done: number) => void {
  const started = performance.now();
  return (done) => {
    const seconds = (performance.now() - started) / 1000;
    opts.onProgress?.({ shardId, bytes: done, totalBytes, bytesPerSecond: seconds > 0 ? done / seconds : 0 });
  };
}
