// The audit logger: typed events, a crash-safe hash chain on disk (SPEC §4), offline verify and query.
// The room's barrel (tests and the package root import from it; the root picks public names).
export * from './events.js';
export { LIMITS as AUDIT_LIMITS, validateEvent, type ValidatedEvent } from './validate.js';
export { canonicalJson, CanonicalJsonError } from './canonical-json.js';
export { Uuid7Generator, UUID7_PATTERN, uuid7Millis } from './uuid7.js';
export { buildRecordLine, canonicalRecord, recordHash, GENESIS_PREV, type RecordFields } from './record.js';
export { nodeFileLayer, type FileLayer } from './file-layer.js';
export { listSegments, segmentName, sidecarName, LOCK_FILE, type SegmentEntry } from './segments.js';
export { AuditLogger, DEFAULTS as AUDIT_DEFAULTS } from './logger.js';
export type { AuditHealth, AuditLoggerOptions, AuditLoggerState, EmitResult, FlushOptions } from './logger.js';
export { directoryRecordLines, verifyAuditLog } from './verify.js';
export type { AuditVerifyOptions, AuditVerifyResult } from './verify.js';
export { recordShapeProblem, sha256HexFrom, verifyRecordLines } from './verify-core.js';
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
} from './verify-core.js';
export { queryAuditLog, queryAuditLogAll, type AuditQueryFilter } from './query.js';
// SPEC §6: epoch sealing and checkpoints (writer options, verification from any source).
export type { SealingOptions } from './sealing/epoch-sealer.js';
export type { CheckpointOptions } from './sealing/checkpoint-writer.js';
export { VerificationKey, parseVerificationKey, VKEY_FORMAT } from './sealing/verification-key.js';
export { verifySealedRecordLines, prepareSealedChecks } from './sealing/sealed-verify.js';
export type { SealedVerifyOptions, SealedVerifyResult, SealingCrypto } from './sealing/sealed-verify.js';
export type { SealingReport } from './sealing/seal-check.js';
export type { CheckpointReport } from './sealing/checkpoint-check.js';
export {
  checkpointBody,
  parseCheckpointNote,
  parseNotePublicKey,
  webCryptoEd25519,
  type CheckpointNote,
  type NotePublicKey,
} from './sealing/checkpoint-note.js';
export { nodeSealingCrypto } from './sealing/node-crypto.js';
export { STATE_FILE as SEALING_STATE_FILE } from './sealing/state-file.js';
export { CHECKPOINT_DIR } from './sealing/checkpoint-writer.js';
