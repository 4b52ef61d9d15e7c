/**
 * The Node entry point: the manager, seal records, the audit log, file digests, the native layer.
 * @module vram-residency
 */
// Public entry point of the SDK (Node), listed by name: what is not here is internal (segment
// naming, lock files, the file layer, the record queue and writer, the shard table, …) and may
// change without notice. The browser-safe subset is `vram-residency/wasm` (lib/browser/index.ts).
//
// Rooms: manager/ (VramManager, seal → verify → release), seal/ (records, offline checks),
// audit/ (logger, verify, query), engines/ (file digests: wasm, native, node), native/ (addon),
// attest/ (signatures: keys, seal attestations, model signatures), wasm/ (WASM crypto core),
// formats/ (browser-safe shared formats), browser/ (browser entry),
// cli/ (the vram-residency command).
export {
  ERROR_CODES,
  VramResidencyError,
  InvalidArgumentError,
  SealCheckError,
  MalformedSealError,
  WrongKeyError,
  MacMismatchError,
  SizeMismatchError,
  DigestMismatchError,
  ContentMismatchError,
  SignatureMismatchError,
  ModelMismatchError,
  SealVerificationError,
  InsufficientVramError,
  PolicyViolationError,
  DeviceError,
  ClosedError,
  AbortError,
  FileIoError,
  FileChangedError,
  WasmError,
  AuditError,
  AuditBufferFullError,
  AuditLockedError,
  AuditIoError,
  AuditLogCorruptError,
  InvalidAuditEventError,
  AuditSealingStateError,
  KeyError,
  CanonicalJsonError,
  type ErrorCode,
  type SealFailureReason,
} from './errors.js';

// Audit log (SPEC §4), epoch sealing and checkpoints (SPEC §6): the room's public list.
export * from './audit/index.js';

// Residency manager.
export { VramManager, type VramManagerOptions, type VerifyResult } from './manager/vram-manager.js';
export type { SealOptions, SealProgress, VerifyOptions } from './manager/seal-options.js';
export { SealedShard, type ShardState } from './manager/sealed-shard.js';
export type { Capacity } from './manager/capacity-ledger.js';
export { checkDevicePolicy, type VramPolicy, type PolicyFinding } from './manager/policy.js';
export { detectionProbability, samplesForConfidence } from './manager/sampling.js';
export {
  MAX_REVERIFY_INTERVAL_SECONDS,
  reverifyResident,
  type Reverifier,
  type ReverifyPolicy,
  type ReverifyRound,
} from './manager/reverify.js';

// Seal records (SPEC §3) and offline verification.
export { verifySealRecord, verifySealedFile, type FileVerifyOptions } from './seal/offline.js';
export { createSealedStreamVerifier, verifySealedBytes } from './seal/verify-bytes.js';
export { parseSealRecord, serializeSealRecord, validateSealRecord } from './seal/record.js';
export { SEAL_FORMAT, type SealRecord } from './formats/seal-record.js';

// File digests (SPEC §1) and engines.
export { digestFile, type DigestFileOptions } from './engines/wasm-digest.js';
export type { FileDigest } from './engines/file-stat.js';
export { digestFileWith, ENGINES, defaultEngine, type Engine } from './engines/digest-with-engine.js';
export {
  DeviceLostError,
  nativeStatus,
  openDevice,
  cpuEngine,
  type Backend,
  type DeviceProperties,
  type FreeResult,
  type NativeStatus,
} from './native/index.js';
export { loadWasm, type WasmCrypto, type SealKey } from './wasm/index.js';

// Public-key attestations (SPEC §5): keys, seal attestations, OpenSSF model signatures.
export {
  KEYGEN_ALGORITHMS,
  generateKeyPair,
  writeKeyPair,
  loadSigningKey,
  loadSigningKeyFile,
  parsePublicKeyPem,
  BUNDLE_MEDIA_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  SEAL_PREDICATE_TYPE,
  MODEL_PREDICATE_TYPE,
  pae,
  sealStatement,
  serializeBundle,
  signSealRecord,
  verifySealBundle,
  verifySealBundleBytes,
  verifySealBundleFile,
  createSealBundleStreamVerifier,
  listModelFiles,
  hashModelFiles,
  openSignedModel,
  signModel,
  verifyModel,
} from './attest/index.js';
export type {
  SigningKey,
  KeyAlgorithm,
  PublicKeyInfo,
  SigstoreBundle,
  Statement,
  BundleFileVerifyOptions,
  BundleVerifyOptions,
  BundleStreamVerifier,
  PublicKeyOption,
  ModelManifest,
  HashProgress,
  ModelFile,
  ModelHashOptions,
  ModelVerifyOptions,
  SignedModel,
} from './attest/index.js';

// Types that the signatures above name (so users can name them too; TypeDoc links them).
export type { Allocation, CpuEngine, Device, OpenDeviceOptions } from './native/index.js';
export type { MthFileOptions, UploadFileOptions, UploadFileResult } from './native/types.js';
export type { FileDigestOptions } from './engines/digest-with-engine.js';
export type { PolicyDeviceFacts } from './manager/policy.js';
export type { SealBackend } from './formats/seal-record.js';
export type { ModelFileList } from './attest/model-files.js';
export type { ModelSealProgress, SealedModel, SealModelOptions } from './attest/seal-model.js';
