// The native CPU engine: SPEC §1 digests on Node's own OpenSSL (SHA-NI where the CPU has it),
// leaves split across threads, off the event loop.
import { callNative, loadNative } from './addon.js';
import { NATIVE_LIMITS, checkInteger, checkLeafSize, checkPath, ownedBytes } from './args.js';
import type { MthFileOptions } from './types.js';

export interface CpuEngine {
  /** SPEC §1 root of `data`; threads default to all cores. */
  mth(data: Uint8Array, leafSize: number, threads?: number): Promise<Uint8Array>;
  /** SPEC §1 root of a file range, read with positional reads by each thread; optional plain SHA-256. */
  mthFile(path: string, opts: MthFileOptions): Promise<{ digest: Uint8Array; size: number; sha256: Uint8Array | null }>;
  /** Plain SHA-256. */
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** Plain SHA-256 of a whole file, off the event loop (one stream; hash several files at once for parallelism). */
  sha256File(path: string): Promise<{ sha256: Uint8Array; size: number }>;
}

export const cpuEngine: CpuEngine = {
  async mth(data, leafSize, threads = 0) {
    checkLeafSize(leafSize);
    checkInteger('threads', threads, 0, NATIVE_LIMITS.maxThreads);
    const owned = ownedBytes('data', data);
    return new Uint8Array(await callNative(() => loadNative().cpuMth({ data: owned, leafSize, threads })));
  },

  async mthFile(path, opts) {
    checkPath('path', path);
    const leafSize = checkLeafSize(opts?.leafSize);
    const offset = checkInteger('offset', opts.offset ?? 0);
    const length = opts.length === undefined ? undefined : checkInteger('length', opts.length);
    const threads = checkInteger('threads', opts.threads ?? 0, 0, NATIVE_LIMITS.maxThreads);
    const r = await callNative(() =>
      loadNative().cpuMthFile({ path, leafSize, offset, length, threads, sha256: opts.sha256 === true }),
    );
    return {
      digest: new Uint8Array(r.digest),
      size: r.size,
      sha256: r.sha256 === null ? null : new Uint8Array(r.sha256),
    };
  },

  async sha256(data) {
    const owned = ownedBytes('data', data);
    return new Uint8Array(await callNative(() => loadNative().cpuSha256({ data: owned })));
  },

  async sha256File(path) {
    checkPath('path', path);
    const r = await callNative(() => loadNative().cpuSha256File({ path }));
    return { sha256: new Uint8Array(r.sha256), size: r.size };
  },
};
