// A digest worker (started from a Blob URL by parallel-digest.ts): the leaf hashes of the ranges
// it is sent, or the plain SHA-256 of the chunks it is sent, in order (a new stream per file).
// Each worker instantiates the page's compiled WASM module (posted to it, so nothing is decoded or
// compiled twice).
import { createWasmCrypto, type StreamingHash, type WasmCrypto } from '../dist/wasm/index.js';
import type { FromWorker, ToWorker } from './digest-messages.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let ready: Promise<{ wasm: WasmCrypto; blob: Blob; leafSize: number }> | null = null;
let stream: Promise<{ sha: StreamingHash; bytes: number }> | null = null;
// One instance per worker: a worker that hashes several files in turn (model.sig) reuses it.
let instance: Promise<WasmCrypto> | null = null;
// Jobs are hashed one after another; each job's read starts when it arrives, so reading the next
// range overlaps hashing the current one.
let queue: Promise<void> = Promise.resolve();

function fail(error: unknown): void {
  scope.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.kind === 'leaves') {
    ready = createWasmCrypto(m.module).then((wasm) => ({ wasm, blob: m.blob, leafSize: m.leafSize }));
    ready.catch(fail);
  } else if (m.kind === 'job') {
    const state = ready;
    if (!state) return fail(new Error('a job arrived before the worker was set up'));
    const read = state.then((s) => s.blob.slice(m.offset, m.offset + m.length).arrayBuffer());
    read.catch(() => {}); // reported when its turn comes
    queue = queue
      .then(async () => {
        const { wasm, leafSize } = await state;
        const bytes = new Uint8Array(await read);
        if (bytes.length !== m.length)
          throw new Error(`the file changed while being read (range at ${m.offset} came back short)`);
        const hashes = m.hash === false ? new Uint8Array(0) : wasm.hashLeaves(bytes, leafSize);
        const transfer = [hashes.buffer as ArrayBuffer, ...(m.keep ? [bytes.buffer as ArrayBuffer] : [])];
        scope.postMessage(
          {
            kind: 'leaves',
            job: m.job,
            hashes: hashes.buffer as ArrayBuffer,
            bytes: m.keep ? (bytes.buffer as ArrayBuffer) : null,
          },
          transfer,
        );
      })
      .catch(fail);
  } else if (m.kind === 'sha256-stream') {
    instance ??= createWasmCrypto(m.module);
    stream = instance.then((wasm) => ({ sha: wasm.createSha256(), bytes: 0 }));
    stream.catch(fail);
  } else if (m.kind === 'chunk' || m.kind === 'end') {
    const state = stream;
    if (!state) return fail(new Error('a chunk arrived before the SHA-256 stream was set up'));
    queue = queue
      .then(async () => {
        const s = await state;
        if (m.kind === 'chunk') {
          s.sha.update(new Uint8Array(m.bytes));
          s.bytes += m.bytes.byteLength;
          scope.postMessage({ kind: 'sha256-progress', bytes: s.bytes });
        } else {
          const digest = s.sha.digest();
          scope.postMessage({ kind: 'sha256', digest: digest.buffer as ArrayBuffer }, [digest.buffer as ArrayBuffer]);
        }
      })
      .catch(fail);
  }
};
