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
  type ErrorCode,
  type SealFailureReason,
} from './errors.js';

// Audit log (SPEC §4).
export { AuditLogger, DEFAULTS as AUDIT_DEFAULTS } from './audit/write/logger.js';
export type {
  AuditHealth,
  AuditLoggerOptions,
  AuditLoggerState,
  EmitResult,
  FlushOptions,
} from './audit/write/logger.js';
export type { OperationalLogger } from './audit/write/operational-log.js';
export type { FileLayer } from './audit/write/file-layer.js';
export {
  AUDIT_FORMAT,
  EVENT_CATALOGUE,
  RESERVED_NAMESPACES,
  SEVERITIES,
  SEVERITY_RANK,
  eventSpec,
} from './audit/format/events.js';
export type {
  ApplicationEventType,
  AuditEvent,
  AuditRecord,
  BuiltinEventType,
  EventData,
  EventSpec,
  FieldKind,
  FieldSpec,
  LoggerEventType,
  Severity,
  TypedAuditEvent,
} from './audit/format/events.js';
export { LIMITS as AUDIT_LIMITS, validateEvent, type ValidatedEvent } from './audit/format/validate.js';
export { canonicalJson, CanonicalJsonError } from './audit/format/canonical-json.js';
export { Uuid7Generator, UUID7_PATTERN, uuid7Millis } from './audit/format/uuid7.js';
export {
  buildRecordLine,
  canonicalRecord,
  recordHash,
  GENESIS_PREV,
  type RecordFields,
} from './audit/format/record.js';
export { directoryRecordLines, verifyAuditLog } from './audit/verify/directory.js';
export type { AuditVerifyOptions, AuditVerifyResult } from './audit/verify/directory.js';
export { recordShapeProblem, sha256HexFrom, verifyRecordLines } from './audit/verify/chain-verifier.js';
export type {
  AuditFailureReason,
  AuditVerifyError,
  ChainVerifyResult,
  RecordCheck,
  RecordLine,
  RecordPosition,
  SourceProblem,
  VerifyCoreOptions,
  VerifyItem,
  VerifyItems,
} from './audit/verify/chain-verifier.js';
export { queryAuditLog, queryAuditLogAll, type AuditQueryFilter } from './audit/verify/query.js';

// Audit sealing and checkpoints (SPEC §6).
export type { SealingOptions } from './audit/write/epoch-sealer.js';
export type { CheckpointOptions } from './audit/write/checkpoint-writer.js';
export type { WitnessConfig } from './audit/write/checkpoint-witnesses.js';
export { VerificationKey, parseVerificationKey } from './audit/format/verification-key.js';
export { verifySealedRecordLines } from './audit/verify/epoch-seal-verify.js';
export type { SealedVerifyOptions, SealedVerifyResult, SealingCrypto } from './audit/verify/epoch-seal-verify.js';
export type { SealingReport } from './audit/verify/epoch-seal-check.js';
export type { CheckpointReport } from './audit/verify/checkpoint-check.js';
export {
  parseCheckpointNote,
  parseNotePublicKey,
  type CheckpointNote,
  type NotePublicKey,
} from './audit/format/checkpoint-note.js';
export { nodeSealingCrypto } from './audit/write/node-crypto.js';

// Residency manager.
export { VramManager, type VramManagerOptions, type VerifyResult } from './manager/vram-manager.js';
export type { SealOptions, SealProgress, VerifyOptions } from './manager/seal-options.js';
export { SealedShard, type ShardState } from './manager/sealed-shard.js';
export type { Capacity } from './manager/capacity-ledger.js';
export { checkDevicePolicy, type VramPolicy, type PolicyFinding } from './manager/policy.js';
export { detectionProbability, samplesForConfidence } from './manager/sampling.js';

// Seal records (SPEC §3) and offline verification.
export { verifySealRecord, verifySealedFile, type FileVerifyOptions } from './seal/offline.js';
export { createSealedStreamVerifier, verifySealedBytes } from './seal/verify-bytes.js';
export {
  parseSealRecord,
  serializeSealRecord,
  validateSealRecord,
  SEAL_FORMAT,
  type SealRecord,
} from './seal/record.js';

// File digests (SPEC §1) and engines.
export { digestFile, type DigestFileOptions, type FileDigest } from './engines/digest-file.js';
export { digestFileWith, ENGINES, defaultEngine, type Engine } from './engines/file-digest.js';
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
export type { FileDigestOptions } from './engines/file-digest.js';
export type { PolicyDeviceFacts } from './manager/policy.js';
export type { SealBackend } from './formats/seal-record.js';
export type { CheckpointSignature, Sha256, VerifyEd25519 } from './audit/format/checkpoint-note.js';
export type { EpochClock, HmacSha256 } from './audit/format/epochs.js';
export type { ModelFileList } from './attest/model-files.js';
export type { ModelSealProgress, SealedModel, SealModelOptions } from './attest/seal-model.js';

// Leases: sealed memory for inference (issue 23; docs/inference.md).
export { Lease, type LeaseOptions, type LeaseState } from './manager/lease.js';
export type { LeaseCounts, ReleaseOptions, VramStatus, WhenLeased } from './manager/lease-book.js';
export type { DlpackDtype, DlpackFields, TensorView } from './manager/tensor-views.js';
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
export {
  LeasedError,
  StaleHandleError,
  IpcUnavailableError,
  MalformedTensorHeaderError,
} from './errors.js';
// SPEC §8: the log as a transparency log — tree, proofs, v2 checkpoints with witness
// cosignatures, tlog-proof files, tiles; proofs for a record of a log directory.
export * from './audit/tlog/index.js';
export { verifyRecordProof, type VerifyRecordProofOptions } from './audit/tlog/verify-record-proof.js';
export { proveRecord, type ProveRecordOptions, type RecordProofResult } from './audit/verify/prove.js';
export { writeTiles, type TilesResult } from './audit/verify/tiles-dir.js';
export { checkCheckpointConsistency, type ConsistencyResult } from './audit/verify/checkpoint-consistency.js';
export type { SignedNote } from './audit/format/checkpoint-note.js';
