// Plain SHA-256 of several files (a model.sig's files), up to `workers` files at once. Each file
// is read once, by the page, in order, and its chunks passed on (transferred, not copied) to a
// SHA-256 stream worker, the same worker mode that hashes the bytes the tree workers read for a
// seal; at most two chunks per file wait in memory.
import { onCancel } from './cancel.js';
import { compileWasmModule } from '../dist/wasm/index.js';
import type { ToWorker } from './digest-messages.js';
import { type DigestProgress, digestWorkerUrl, JOB_BYTES, listen, startWorker } from './parallel-digest.js';

const CHUNK_BYTES = JOB_BYTES;
const CHUNKS_AHEAD = 2;

/** One file through `worker`'s SHA-256 stream; `onBytes` gets the bytes hashed so far. */
function sha256InWorker(
  worker: Worker,
  module: WebAssembly.Module,
  file: File,
  onBytes: (bytes: number) => void,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let offset = 0; // bytes read and posted
    let hashed = 0;
    let reading = false;
    let ended = false;
    const feed = () => {
      if (reading || ended || offset - hashed >= CHUNKS_AHEAD * CHUNK_BYTES) return;
      if (offset === file.size) {
        ended = true;
        worker.postMessage({ kind: 'end' } satisfies ToWorker);
        return;
      }
      reading = true;
      const end = Math.min(file.size, offset + CHUNK_BYTES);
      file
        .slice(offset, end)
        .arrayBuffer()
        .then((bytes) => {
          if (bytes.byteLength !== end - offset)
            throw new Error(`${file.name} changed while being read (range at ${offset} came back short)`);
          reading = false;
          offset = end;
          worker.postMessage({ kind: 'chunk', bytes } satisfies ToWorker, [bytes]);
          feed();
        })
        .catch(reject);
    };
    listen(
      worker,
      (m) => {
        if (m.kind === 'sha256-progress') {
          hashed = m.bytes;
          onBytes(m.bytes);
          feed();
        } else if (m.kind === 'sha256') resolve(new Uint8Array(m.digest));
      },
      reject,
    );
    worker.postMessage({ kind: 'sha256-stream', module } satisfies ToWorker);
    feed();
  });
}

/** SHA-256 of each file, in the order given; the largest files start first, so a small one finishes last. */
export async function sha256Files(
  files: readonly File[],
  opts: { workers: number; onProgress?: (p: DigestProgress) => void; signal?: AbortSignal },
): Promise<Uint8Array[]> {
  const started = performance.now();
  const module = (await compileWasmModule()) as WebAssembly.Module;
  const url = digestWorkerUrl();
  const workers: Worker[] = [];
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const hashedBytes = files.map(() => 0);
  const report = () => {
    const bytes = hashedBytes.reduce((a, b) => a + b, 0);
    opts.onProgress?.({ totalBytes, treeBytes: bytes, shaBytes: null, seconds: (performance.now() - started) / 1000 });
  };
  const queue = files.map((_, i) => i).sort((a, b) => files[b]!.size - files[a]!.size);
  const out: Uint8Array[] = new Array(files.length);
  try {
    const run = async (worker: Worker) => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        out[i] = await sha256InWorker(worker, module, files[i]!, (bytes) => {
          hashedBytes[i] = bytes;
          report();
        });
      }
    };
    const count = Math.max(1, Math.min(opts.workers, files.length));
    const cancelled = new Promise<never>((_, reject) => onCancel(opts.signal, reject));
    await Promise.race([Promise.all(Array.from({ length: count }, () => run(startWorker(url, workers)))), cancelled]);
    return out;
  } finally {
    for (const worker of workers) worker.terminate();
    URL.revokeObjectURL(url);
  }
}
