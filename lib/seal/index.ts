// The seal room's public API, by name (the package root re-exports it whole): SPEC §3 records and
// their offline checks against a file or bytes.
export { verifySealRecord, verifySealedFile, type FileVerifyOptions } from './offline.js';
export { createSealedStreamVerifier, verifySealedBytes } from './verify-bytes.js';
export { parseSealRecord, serializeSealRecord, validateSealRecord } from './record.js';
export { SEAL_FORMAT, type SealRecord } from '../formats/seal-record.js';
export type { SealBackend } from '../formats/seal-record.js';
