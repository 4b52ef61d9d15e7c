// The audit room's public API (SPEC §4 log, §6 sealing and checkpoints), by name: the package
// root re-exports this list as it is (lib/index.ts), so it is kept in one place. Internals (segment
// naming and listing, the file layer, the lock, state and checkpoint file names) are imported from
// their files by the code and tests that need them.
// Audit log (SPEC §4).
export { AuditLogger, DEFAULTS as AUDIT_DEFAULTS } from './write/logger.js';
export type {
  AuditHealth,
  AuditLoggerOptions,
  AuditLoggerState,
  EmitResult,
  FlushOptions,
} from './write/logger.js';
export type { FileLayer } from './write/file-layer.js';
export {
  AUDIT_FORMAT,
  EVENT_CATALOGUE,
  RESERVED_NAMESPACES,
  SEVERITIES,
  SEVERITY_RANK,
  eventSpec,
} from './format/events.js';
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
} from './format/events.js';
export { LIMITS as AUDIT_LIMITS, validateEvent, type ValidatedEvent } from './format/validate.js';
export { canonicalJson } from './format/canonical-json.js';
export { Uuid7Generator, UUID7_PATTERN, uuid7Millis } from './format/uuid7.js';
export { buildRecordLine, recordHash } from './write/record-line.js';
export { canonicalRecord, GENESIS_PREV, type RecordFields } from './format/record-canonical.js';
export { directoryRecordLines, verifyAuditLog } from './verify/directory.js';
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

// Audit sealing and checkpoints (SPEC §6).
export type { SealingOptions } from './write/epoch-sealer.js';
export type { CheckpointOptions } from './write/checkpoint-writer.js';
export { VerificationKey, parseVerificationKey } from './format/verification-key.js';
export { verifySealedRecordLines } from './verify/epoch-seal-verify.js';
export type { SealingCrypto } from './format/sealing-crypto.js';
export type { SealedVerifyOptions, SealedVerifyResult } from './verify/epoch-seal-verify.js';
export type { SealingReport } from './verify/epoch-seal-check.js';
export type { CheckpointReport } from './verify/checkpoint-check.js';
export {
  parseCheckpointNote,
  parseNotePublicKey,
  type CheckpointNote,
  type NotePublicKey,
} from './format/checkpoint-note.js';
export { nodeSealingCrypto } from './write/node-crypto.js';

// Types the signatures above name.
export type { CheckpointSignature, Sha256, VerifyEd25519 } from './format/checkpoint-note.js';
export type { EpochClock, HmacSha256 } from './format/epochs.js';

// The operational logger the logger writes its own messages to (the application may supply one).
export type { OperationalLogger } from './write/operational-log.js';
// Witnesses that cosign the writer's v2 checkpoints (SPEC §8).
export type { WitnessConfig } from './write/checkpoint-witnesses.js';

// SPEC §8: the log as a transparency log: tree, proofs, v2 checkpoints with witness cosignatures,
// tlog-proof files, tiles; proofs for a record of a log directory.
export * from './tlog/public-api.js';
export { proveRecord, type ProveRecordOptions, type RecordProofResult } from './verify/prove.js';
export { writeTiles, type TilesResult } from './verify/tiles-dir.js';
export { checkCheckpointConsistency, type ConsistencyResult } from './verify/checkpoint-consistency.js';
