/**
 * The Node entry point: the manager, seal records, the audit log, file digests, the native layer.
 * Everything it shares with `vram-residency/wasm` (the error classes, the seal verifiers) is
 * documented here, once.
 * @module vram-residency
 * @primaryExport
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
//
// Each room keeps its public list once, in its index: audit/, manager/, seal/ and engines/ are
// re-exported whole from theirs. native/, wasm/ and attest/ are picked by name here because their
// indexes also serve internal callers and the browser entry (which exposes the whole WASM core).
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
  LeasedError,
  StaleHandleError,
  IpcUnavailableError,
  MalformedTensorHeaderError,
  WitnessStateError,
  type ErrorCode,
  type SealFailureReason,
} from './errors.js';

// Audit log (SPEC §4), epoch sealing and checkpoints (SPEC §6): the room's public list.
export * from './audit/index.js';

// Residency manager (the room's public list).
export * from './manager/index.js';

// Seal records (SPEC §3) and offline verification (the room's public list).
export * from './seal/index.js';

// File digests (SPEC §1) and engines (the room's public list).
export * from './engines/index.js';
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
export type { ModelFileList } from './attest/model-files.js';
export type { ModelSealProgress, SealedModel, SealModelOptions } from './attest/seal-model.js';

// Leases: sealed memory handed to inference, in this process or another (docs/inference.md).
export type { NativeIpcHandle } from './native/addon.js';
export {
  IPC_HANDLE_FORMAT,
  IpcLease,
  openIpcLease,
  parseIpcHandle,
  type IpcHandleJson,
  type IpcHandleKind,
  type OpenIpcLeaseOptions,
} from './native/ipc.js';
export { parseSafetensorsHeader } from './formats/safetensors.js';
export { parseGgufHeader } from './formats/gguf.js';
export type { TensorEntry, TensorHeader } from './formats/tensor-header.js';

// The C2SP tlog-witness (SPEC §8): cosigns checkpoints consistent with what it cosigned before.
export { createWitness, type Witness, type WitnessOptions } from './witness/server.js';
