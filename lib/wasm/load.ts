// Loading the embedded module: one shared instance per thread, or fresh independent ones.
import { InvalidArgumentError } from '../errors.js';
import { compileCore, instantiateCore } from './core.js';
import { WasmCryptoImpl, type WasmCrypto } from './crypto.js';

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
  const Module = (globalThis as unknown as { WebAssembly?: { Module: abstract new () => object } }).WebAssembly?.Module;
  if (compiled !== undefined && !(Module && compiled instanceof Module))
    throw new InvalidArgumentError('compiled', 'must be the WebAssembly.Module from compileWasmModule(), or absent');
  return new WasmCryptoImpl(await instantiateCore(compiled));
}

/** The compiled module (a WebAssembly.Module, compiled once per thread); it can be posted to workers. */
export function compileWasmModule(): Promise<object> {
  return compileCore();
}
