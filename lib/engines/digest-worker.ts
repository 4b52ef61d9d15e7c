// Worker side of digestFile: reads its chunks of the file with pread straight into its own WASM
// instance's staging area (no copy through the main thread) and returns each chunk's leaf hashes.
import { readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { StagedLeafHasher } from '../wasm/staged-leaves.js';

export interface LeafWorkerData {
  /** The WebAssembly.Module compiled by the parent: no decode/compile here, shared optimized code. */
  module?: object;
}
/** Hash the leaves of file bytes [position, position + length); position is on a leaf boundary. */
export interface LeafJob {
  id: number;
  /** A file descriptor opened by the main thread (shared by all threads of the process), open until the job is answered. */
  fd: number;
  position: number;
  length: number;
  leafSize: number;
}
export type LeafWorkerMessage =
  | { ready: true }
  | { id: number; leafHashes: Uint8Array }
  | { id: number; error: string };

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function hashRange(hasher: StagedLeafHasher, job: LeafJob): Uint8Array {
  const { fd } = job;
  hasher.begin(job.leafSize);
  const parts: Uint8Array[] = [];
  for (let done = 0; done < job.length; ) {
    const want = Math.min(hasher.stageSize, job.length - done);
    const stage = hasher.stage();
    for (let got = 0; got < want; ) {
      const n = readSync(fd, stage, got, want - got, job.position + done + got);
      if (n === 0)
        throw new Error(`the file ended at byte ${job.position + done + got}: it changed while being digested`);
      got += n;
    }
    parts.push(hasher.absorb(want));
    done += want;
  }
  parts.push(hasher.finish());
  return concat(parts);
}

const port = parentPort;
if (port) {
  const { module } = workerData as LeafWorkerData;
  // Jobs sent before this listener is attached wait in the port's queue.
  const hasher = await StagedLeafHasher.create(module);
  port.postMessage({ ready: true } satisfies LeafWorkerMessage);
  port.on('message', (job: LeafJob) => {
    let result: LeafWorkerMessage;
    try {
      result = { id: job.id, leafHashes: hashRange(hasher, job) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      result = { id: job.id, error: code ? `read failed (${code})` : e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(result, 'leafHashes' in result ? [result.leafHashes.buffer as ArrayBuffer] : []);
  });
}
