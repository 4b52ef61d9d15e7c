// lib/wasm: SPEC §1–3 crypto (SHA-256, HMAC, HKDF, mth-sha256, seal keys and MACs) in an embedded
// AssemblyScript/WebAssembly module. No Node-only imports: runs in Node and browsers alike.
// The browser entry `vram-residency/wasm` (lib/browser/index.ts) re-exports this with the seal
// verifiers; the seal code imports the loader from ./load.js, so there is no import cycle.
export type { Bytes } from '../formats/args.js';
export type { WasmCrypto } from './crypto.js';
export type { SealRecordFields } from '../formats/seal-record.js';
export { MAC_FIELD_ORDER } from '../formats/seal-record.js';
export type { SealKey } from './seal-key.js';
export type { LeafHashCombiner, StreamingHash, StreamingMth } from './streams.js';
export { DEFAULT_LEAF_SIZE, MAX_LEAF_SIZE, MIN_LEAF_SIZE, assertLeafSize } from '../formats/leaf-size.js';
export { compileWasmModule, createWasmCrypto, loadWasm } from './load.js';
