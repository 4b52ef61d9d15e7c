// The offline verifier page's entry into the SDK (web/ imports only this file): the browser-safe
// internals the page is built from, by name, in the spirit of nats.js's internal_mod.ts. Not a
// public entry point (the package's browser entry is ./index.ts); compiled by
// tsconfig.browser.json with DOM libs and no Node types, so nothing reachable from here can reach
// a Node built-in, and the page's bundle is checked for `node:` imports as a backstop.
export { SealCheckError } from '../errors.js';
export { toHex } from '../formats/hex.js';
export type { SealRecord } from '../formats/seal-record.js';
export { checkSealedDigests, checkSealedSize } from '../seal/check.js';
export { verifySealRecord } from '../seal/verify-bytes.js';
export { compileWasmModule, createWasmCrypto, loadWasm } from '../wasm/index.js';
export type { StreamingHash, WasmCrypto } from '../wasm/index.js';
export { checkSealBundle } from '../attest/seal-bundle.js';
export { webCryptoVerifier } from '../attest/web-signature.js';
export { checkFileDigest, checkFileList, checkModelSignature, isIgnored } from '../attest/model-check.js';
export { comparePaths, GIT_PATHS, type ModelManifest } from '../attest/model-statement.js';
export type { Severity } from '../audit/format/events.js';
export { logLayout, type LogLayout } from '../audit/format/log-layout.js';
export { sha256HexFrom, type AuditVerifyError, type VerifyItem } from '../audit/verify/chain-verifier.js';
export type { SealingReport } from '../audit/verify/epoch-seal-check.js';
export { verifySealedRecordLines } from '../audit/verify/epoch-seal-verify.js';
export { logSourceItems, splitLines, type LogSource, type SegmentLine } from '../audit/verify/log-source.js';
export { MAX_PROOF_BYTES, type RecordProofVerdict } from '../audit/tlog/proof-file.js';
export { verifyRecordProof } from '../audit/tlog/verify-record-proof.js';
