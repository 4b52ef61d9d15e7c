// The browser-safe SPEC §8 API both public entries give (`vram-residency` through audit/index.ts,
// `vram-residency/wasm` through browser/index.ts): v2 checkpoints with witness cosignatures,
// tlog-proof files, and verifyRecordProof for a proof checked with a public key alone.
export { ORIGIN_PREFIX_V2, parseCheckpointV2, parseWitnessKey, verifyCheckpointV2 } from './checkpoint.js';
export type {
  CheckpointTrust,
  CheckpointV2,
  CheckpointVerdict,
  CheckpointVerdictBad,
  CheckpointVerdictOk,
} from './checkpoint.js';
export { parseRecordProof } from './proof-file.js';
export type { RecordProof, RecordProofFailure, RecordProofVerdict } from './proof-file.js';
export { verifyRecordProof, type VerifyRecordProofOptions } from './verify-record-proof.js';
export type { SignedNote } from '../format/checkpoint-note.js';
