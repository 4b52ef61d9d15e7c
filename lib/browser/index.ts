// The browser entry, `vram-residency/wasm`: the WASM crypto core plus everything that verifies
// seal records and sealed bytes with it. Compiled by tsconfig.browser.json (DOM libs, no Node
// types), so nothing reachable from here can import a Node built-in. Browser-safe code of other
// rooms (e.g. lib/attest verification, the audit verifier core) is re-exported here once it exists.
export * from '../wasm/index.js';
export { createSealedStreamVerifier, verifySealRecord, verifySealedBytes, type SealedStreamVerifier, type TokenOption } from '../seal/verify-bytes.js';
export { parseSealRecord, validateSealRecord, serializeSealRecord, type SealRecord } from '../seal/record.js';
export * from '../errors.js';
