// The audit logger: typed events, a crash-safe hash chain on disk (SPEC §4), offline verify and query.
// The room's barrel (tests and the package root import from it; the root picks public names).
export * from './format/events.js';
export { LIMITS as AUDIT_LIMITS, validateEvent, type ValidatedEvent } from './format/validate.js';
export { canonicalJson } from './format/canonical-json.js';
export { CanonicalJsonError } from '../errors.js';
export { Uuid7Generator, UUID7_PATTERN, uuid7Millis } from './format/uuid7.js';
export { buildRecordLine, recordHash } from './write/record-line.js';
export { canonicalRecord, GENESIS_PREV, type RecordFields } from './format/record-canonical.js';
export { nodeFileLayer, type FileLayer } from './write/file-layer.js';
export { listSegments } from './write/segments.js';
export { segmentName, sidecarName, LOCK_FILE, type SegmentEntry } from './format/log-layout.js';
export { AuditLogger, DEFAULTS as AUDIT_DEFAULTS } from './write/logger.js';
export type { AuditHealth, AuditLoggerOptions, AuditLoggerState, EmitResult, FlushOptions } from './write/logger.js';
export { auditDirLayout, directoryRecordLines, verifyAuditLog } from './verify/directory.js';
export type { AuditVerifyOptions, AuditVerifyResult } from './verify/directory.js';
export { recordShapeProblem, sha256HexFrom, verifyRecordLines } from './verify/chain-verifier.js';
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
} from './verify/chain-verifier.js';
export { queryAuditLog, queryAuditLogAll, type AuditQueryFilter } from './verify/query.js';
// SPEC §6: epoch sealing and checkpoints (writer options, verification from any source).
export type { SealingOptions } from './write/epoch-sealer.js';
export type { CheckpointOptions } from './write/checkpoint-writer.js';
export { VerificationKey, parseVerificationKey, VKEY_FORMAT } from './format/verification-key.js';
export { verifySealedRecordLines, prepareSealedChecks } from './verify/epoch-seal-verify.js';
export type { SealingCrypto } from './format/sealing-crypto.js';
export type { SealedVerifyOptions, SealedVerifyResult } from './verify/epoch-seal-verify.js';
export type { SealingReport } from './verify/epoch-seal-check.js';
export type { CheckpointReport } from './verify/checkpoint-check.js';
export {
  checkpointBody,
  parseCheckpointNote,
  parseNotePublicKey,
  webCryptoEd25519,
  type CheckpointNote,
  type NotePublicKey,
} from './format/checkpoint-note.js';
export { nodeSealingCrypto } from './write/node-crypto.js';
export { STATE_FILE as SEALING_STATE_FILE } from './write/epoch-seal-state.js';
export { CHECKPOINT_DIR } from './write/checkpoint-writer.js';
