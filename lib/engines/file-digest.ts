// One entry point for "tree digest (and plain SHA-256) of a file" over the three engines:
// wasm (portable, worker threads), native (addon CPU engine on Node's OpenSSL), node (node:crypto).
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { InvalidArgumentError, VramResidencyError } from '../errors.js';
import { digestFile } from '../digest-file.js';
import { cpuEngine, nativeStatus } from '../native/index.js';
import { NodeMth } from './node-mth.js';

export type Engine = 'wasm' | 'native' | 'node';
export const ENGINES: readonly Engine[] = ['wasm', 'native', 'node'];

export interface FileDigestOptions {
  leafSize: number;
  sha256?: boolean;
  threads?: number;
  onProgress?: (p: { bytes: number; totalBytes: number }) => void;
}

export interface FileDigest {
  digest: Uint8Array;
  size: number;
  sha256: Uint8Array | null;
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

/** Size of a regular file; missing paths and directories get errors a user can act on. */
export async function statRegularFile(path: string): Promise<number> {
  let stat;
  try {
    stat = await fsp.stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VramResidencyError('E_IO', `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code}`, { cause: error });
  }
  if (!stat.isFile()) throw new InvalidArgumentError('path', `${path} is not a regular file`);
  return stat.size;
}

/** Like statRegularFile, and refuses empty files: SPEC §1 has no sealable digest of nothing. */
export async function statDigestible(path: string): Promise<number> {
  const size = await statRegularFile(path);
  if (size === 0) throw new InvalidArgumentError('path', `${path} is empty; an empty file cannot be sealed or verified`);
  return size;
}

export async function digestFileWith(engine: Engine, path: string, opts: FileDigestOptions): Promise<FileDigest> {
  parseEngine(engine);
  const totalBytes = await statDigestible(path);
  switch (engine) {
    case 'wasm': {
      const r = await digestFile(path, opts);
      return { digest: r.digest, size: r.size, sha256: r.sha256 };
    }
    case 'native': {
      const r = await cpuEngine.mthFile(path, { leafSize: opts.leafSize, sha256: opts.sha256 ?? false, threads: opts.threads });
      opts.onProgress?.({ bytes: r.size, totalBytes });
      return r;
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
  return { digest: mth.digest(), size, sha256: sha ? sha.digest() : null };
}
