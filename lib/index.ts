// Public entry point of the SDK (Node). The browser-safe subset is `vram-residency/wasm`.
export * from './errors.js';
export * from './audit/index.js';
export { VramManager, type VramManagerOptions, type VerifyResult } from './manager/vram-manager.js';
export type { SealOptions, SealProgress, VerifyOptions } from './manager/seal-options.js';
export { SealedShard, type ShardState } from './manager/sealed-shard.js';
export type { Capacity } from './manager/capacity-ledger.js';
export { checkDevicePolicy, type VramPolicy, type PolicyFinding } from './manager/policy.js';
export { detectionProbability, samplesForConfidence } from './manager/sampling.js';
export { verifySealRecord, verifySealedFile, type FileVerifyOptions } from './seal/offline.js';
export { createSealedStreamVerifier, verifySealedBytes } from './seal/verify-bytes.js';
export { parseSealRecord, serializeSealRecord, validateSealRecord, SEAL_FORMAT, type SealRecord } from './seal/record.js';
export { digestFile, type DigestFileOptions, type FileDigest } from './engines/digest-file.js';
export { digestFileWith, ENGINES, defaultEngine, type Engine } from './engines/file-digest.js';
export { nativeStatus, openDevice, cpuEngine, type Backend, type DeviceProperties, type NativeStatus } from './native/index.js';
export { loadWasm, type WasmCrypto, type SealKey } from './wasm/index.js';
