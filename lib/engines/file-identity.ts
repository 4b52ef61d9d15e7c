// A file read in the open could change under the reader (appended to, rewritten, replaced), and a
// digest of what was read would then describe no file that exists. Every reader that hashes a
// file takes its identity before and checks it after: same device, inode, size and mtime.
import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { FileChangedError } from '../errors.js';
import { fileOpError } from './file-stat.js';

type FileIdentity = Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs'>;

async function fileIdentity(path: string): Promise<FileIdentity> {
  try {
    const { dev, ino, size, mtimeNs } = await stat(path, { bigint: true });
    return { dev, ino, size, mtimeNs };
  } catch (error) {
    throw fileOpError(path, 'stat', error);
  }
}

/**
 * Runs `read` over `path` and returns its result only if the file is still the one it was when
 * reading began and `bytesRead(result)` is its whole size; else E_FILE_CHANGED. `what` finishes
 * the sentence: what this means for the caller.
 */
export async function readUnchanged<T>(
  path: string,
  read: () => Promise<T>,
  bytesRead: (result: T) => number,
  what: string,
): Promise<T> {
  const before = await fileIdentity(path);
  const result = await read();
  await assertFileUnchanged(path, before, bytesRead(result), what);
  return result;
}

async function assertFileUnchanged(path: string, before: FileIdentity, bytesRead: number, what: string): Promise<void> {
  const after = await fileIdentity(path).catch(() => null);
  const same =
    after !== null &&
    after.dev === before.dev &&
    after.ino === before.ino &&
    after.size === before.size &&
    after.mtimeNs === before.mtimeNs &&
    BigInt(bytesRead) === before.size;
  if (!same) {
    throw new FileChangedError(
      path,
      `${path} changed while it was being read (${after === null ? 'it is gone' : describe(before, after)}); ${what}`,
    );
  }
}

function describe(before: FileIdentity, after: FileIdentity): string {
  if (after.dev !== before.dev || after.ino !== before.ino) return 'it was replaced by another file';
  if (after.size !== before.size) return `its size went from ${before.size} to ${after.size} bytes`;
  return 'it was written to';
}
