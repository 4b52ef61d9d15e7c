// Worker side of digestFile: hashes the leaves of each chunk it is sent with its own WASM
// instance and sends the leaf hashes back, returning the chunk's buffer for reuse.
import { parentPort, workerData } from 'node:worker_threads';
import { createWasmCrypto } from './wasm/index.js';

export interface LeafWorkerData {
  /** The WebAssembly.Module compiled by the parent: no decode/compile here, shared optimized code. */
  module?: object;
}
export interface LeafJob {
  id: number;
  buffer: ArrayBuffer;
  length: number;
  leafSize: number;
}
export type LeafWorkerMessage =
  | { ready: true }
  | { id: number; buffer: ArrayBuffer; leafHashes: Uint8Array }
  | { id: number; buffer: ArrayBuffer; error: string };

const port = parentPort;
if (port) {
  // Jobs sent before this listener is attached wait in the port's queue.
  const wasm = await createWasmCrypto((workerData as LeafWorkerData | undefined)?.module);
  port.postMessage({ ready: true } satisfies LeafWorkerMessage);
  port.on('message', (job: LeafJob) => {
    try {
      const leafHashes = wasm.hashLeaves(new Uint8Array(job.buffer, 0, job.length), job.leafSize);
      const result: LeafWorkerMessage = { id: job.id, buffer: job.buffer, leafHashes };
      port.postMessage(result, [job.buffer, leafHashes.buffer as ArrayBuffer]);
    } catch (e) {
      const result: LeafWorkerMessage = { id: job.id, buffer: job.buffer, error: e instanceof Error ? e.message : String(e) };
      port.postMessage(result, [job.buffer]);
    }
  });
}
