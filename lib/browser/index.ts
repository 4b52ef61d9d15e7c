/**
 * The browser-safe entry point: the WASM crypto core, seal and audit verification, the error classes.
 * @module vram-residency/wasm
 */
// The browser entry, `vram-residency/wasm`: the WASM crypto core plus everything that verifies
// seal records and sealed bytes with it. Compiled by tsconfig.browser.json (DOM libs, no Node
// types), so nothing reachable from here can import a Node built-in. Browser-safe code of other
// rooms (lib/attest verification here; e.g. the audit verifier core) is re-exported here once it exists.
export * from '../wasm/index.js';
export {
  createSealedStreamVerifier,
  verifySealRecord,
  verifySealedBytes,
  type SealedStreamVerifier,
  type TokenOption,
} from '../seal/verify-bytes.js';
export { parseSealRecord, validateSealRecord, serializeSealRecord } from '../seal/record.js';
export type { SealRecord } from '../formats/seal-record.js';
export * from '../errors.js';
// The audit verifier core (SPEC §4) and SPEC §6 seal and checkpoint verification: feed lines from
// any source; pass the WASM module's SHA-256/HMAC (sha256HexFrom) — Ed25519 comes from Web Crypto.
export { recordShapeProblem, sha256HexFrom, verifyRecordLines } from '../audit/verify/chain-verifier.js';
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
} from '../audit/verify/chain-verifier.js';
export {
  verifySealedRecordLines,
  type SealedVerifyOptions,
  type SealedVerifyResult,
} from '../audit/verify/epoch-seal-verify.js';
export type { SealingCrypto } from '../audit/format/sealing-crypto.js';
export { VerificationKey, parseVerificationKey } from '../audit/format/verification-key.js';
export {
  parseCheckpointNote,
  parseNotePublicKey,
  webCryptoEd25519,
  type CheckpointNote,
  type NotePublicKey,
} from '../audit/format/checkpoint-note.js';
export type { SealingReport } from '../audit/verify/epoch-seal-check.js';
export type { CheckpointReport } from '../audit/verify/checkpoint-check.js';

// Seal attestations (SPEC §5) with only the signer's public key: WebCrypto signatures, WASM hashing.
export {
  createSealBundleStreamVerifier,
  verifySealBundle,
  verifySealBundleBytes,
  type BundleStreamVerifier,
  type PublicKeyOption,
} from '../attest/seal-bundle.js';
export { parsePublicKeyPem, type KeyAlgorithm, type PublicKeyInfo } from '../attest/public-key.js';
export { pae, type SigstoreBundle } from '../attest/dsse.js';

export type { CheckpointSignature, Sha256, VerifyEd25519 } from '../audit/format/checkpoint-note.js';
export type { EpochClock, HmacSha256 } from '../audit/format/epochs.js';

// OpenSSF model signatures (model.sig) against files the caller lists and hashes: signature and
// manifest, the ignore rule, the file list, each file's SHA-256 (the rules verify-model uses).
export { checkFileDigest, checkFileList, checkModelSignature, isIgnored, requireEcdsa } from '../attest/model-check.js';
export { MODEL_PREDICATE_TYPE, modelManifestOf, type ModelManifest } from '../attest/model-statement.js';
export { webCryptoVerifier, type SignatureVerifier } from '../attest/web-signature.js';

// SPEC §8 (browser-safe): v2 checkpoints with witness cosignatures, tlog-proof files, and
// verifyRecordProof for a dropped `.tlog-proof` with a public key.
export * from '../audit/tlog/public-api.js';
