// vram-residency/wasm: SPEC §1–3 crypto (SHA-256, HMAC, HKDF, mth-sha256, seal keys and MACs) in an
// embedded AssemblyScript/WebAssembly module. No Node-only imports: runs in Node and browsers alike.
import { compileCore, instantiateCore } from './core.js';
import { WasmCryptoImpl, type WasmCrypto } from './crypto.js';

export type { Bytes } from './bytes.js';
export type { WasmCrypto } from './crypto.js';
export type { SealRecordFields } from './seal-fields.js';
export { MAC_FIELD_ORDER } from './seal-fields.js';
export type { SealKey } from './seal-key.js';
export type { LeafHashCombiner, StreamingHash, StreamingMth } from './streams.js';
export { DEFAULT_LEAF_SIZE, MAX_LEAF_SIZE, MIN_LEAF_SIZE, assertLeafSize } from './leaf-size.js';

let shared: Promise<WasmCrypto> | undefined;

/** The process-wide instance (created on first call). */
export function loadWasm(): Promise<WasmCrypto> {
  shared ??= createWasmCrypto();
  shared.catch(() => {
    shared = undefined; // let a later call retry
  });
  return shared;
}

/**
 * A fresh, independent module instance (own memory, own slots): for workers or isolation.
 * `compiled` may be the WebAssembly.Module from compileWasmModule(), e.g. posted to a worker,
 * which then skips decoding and compiling and shares the already optimized code.
 */
export async function createWasmCrypto(compiled?: object): Promise<WasmCrypto> {
  return new WasmCryptoImpl(await instantiateCore(compiled));
}

/** The compiled module (a WebAssembly.Module, compiled once per thread); it can be posted to workers. */
export function compileWasmModule(): Promise<object> {
  return compileCore();
}

// Seal verification needs only this module: a record, bytes, or a stream (e.g. in a browser).
export { createSealedStreamVerifier, verifySealRecord, verifySealedBytes, type SealedStreamVerifier, type TokenOption } from '../seal/verify-bytes.js';
export { parseSealRecord, validateSealRecord, serializeSealRecord, type SealRecord } from '../seal/record.js';
