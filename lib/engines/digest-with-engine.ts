// One entry point for "tree digest (and plain SHA-256) of a file" over the three engines:
// wasm (portable, worker threads), native (addon CPU engine on Node's OpenSSL), node (node:crypto).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { assertInteger } from '../formats/args.js';
import { MAX_THREADS, digestFile } from './wasm-digest.js';
import { type FileDigest, statDigestible } from './file-stat.js';
import { cpuEngine, nativeStatus } from '../native/index.js';
import { readUnchanged } from './file-identity.js';
import { NodeMth } from './node-mth.js';

export type Engine = 'wasm' | 'native' | 'node';
export const ENGINES: readonly Engine[] = ['wasm', 'native', 'node'];

/** One thread limit for every engine (the wasm pool's; native would take more, node uses one). */
export const MAX_DIGEST_THREADS = MAX_THREADS;

export interface FileDigestOptions {
  leafSize: number;
  sha256?: boolean;
  /** 1 … MAX_DIGEST_THREADS, for every engine. */
  threads?: number;
  /** Called as the file is read, with the bytes done so far. */
  onProgress?: (p: { bytes: number; totalBytes: number }) => void;
}

/** The fastest engine this machine has: native when the addon loaded, else wasm. */
export function defaultEngine(): Engine {
  return nativeStatus().loaded ? 'native' : 'wasm';
}

export function parseEngine(name: string): Engine {
  if (!(ENGINES as readonly string[]).includes(name)) {
    throw new InvalidArgumentError('engine', `"${name}" is not one of ${ENGINES.join(', ')}`);
  }
  return name as Engine;
}

/**
 * The same file digest as {@link digestFile} on a chosen engine: `wasm` (portable, worker
 * threads), `native` (the addon's CPU engine) or `node` (node:crypto). All three give the same bytes.
 */
export async function digestFileWith(engine: Engine, path: string, opts: FileDigestOptions): Promise<FileDigest> {
  parseEngine(engine);
  if (opts.threads !== undefined) assertInteger(opts.threads, 'threads', 1, MAX_DIGEST_THREADS);
  const totalBytes = engine === 'wasm' ? 0 : await statDigestible(path); // wasm checks the file itself
  // Every engine, one verdict: a file that changed while it was hashed has no digest.
  return readUnchanged(
    path,
    () => (engine === 'wasm' ? digestFile(path, opts) : digestWith(engine, path, totalBytes, opts)),
    (r) => r.size,
    'its digest describes no version of it; try again when nothing writes to it',
  );
}

async function digestWith(
  engine: 'native' | 'node',
  path: string,
  totalBytes: number,
  opts: FileDigestOptions,
): Promise<FileDigest> {
  switch (engine) {
    case 'native': {
      const r = await cpuEngine.mthFile(path, {
        leafSize: opts.leafSize,
        sha256: opts.sha256 ?? false,
        threads: opts.threads,
      });
      opts.onProgress?.({ bytes: r.size, totalBytes });
      return { ...r, leafCount: Math.ceil(r.size / opts.leafSize) };
    }
    case 'node':
      return nodeDigestFile(path, totalBytes, opts);
  }
}

async function nodeDigestFile(path: string, totalBytes: number, opts: FileDigestOptions): Promise<FileDigest> {
  const mth = new NodeMth(opts.leafSize);
  const sha = opts.sha256 ? createHash('sha256') : null;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    mth.update(bytes);
    sha?.update(bytes);
    size += bytes.length;
    opts.onProgress?.({ bytes: size, totalBytes });
  }
  return { digest: mth.digest(), size, sha256: sha ? sha.digest() : null, leafCount: Math.ceil(size / opts.leafSize) };
}
