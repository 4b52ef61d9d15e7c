// The one check of "can this path be digested": a regular file (not a directory, device or
// FIFO, which could block a read forever) and, for a digest, not empty (SPEC §1 has no digest
// of 0 bytes). Every engine, the manager and the CLI use these, so the messages are the same.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { FileIoError, InvalidArgumentError } from '../errors.js';

/** The result of digesting a file with any engine. */
export interface FileDigest {
  /** SPEC §1 root. */
  digest: Uint8Array;
  size: number;
  sha256: Uint8Array | null;
  leafCount: number;
}

export function fileIoError(path: string, what: string, cause?: unknown): FileIoError {
  return new FileIoError(`cannot read ${path}: ${what}`, cause);
}

/** A failed stat/open/read as an error a user can act on. */
export function fileOpError(path: string, op: string, error: unknown): FileIoError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return fileIoError(path, 'no such file', error);
  if (code === 'EACCES' || code === 'EPERM') return fileIoError(path, 'permission denied', error);
  return fileIoError(path, `${op} failed (${code ?? 'unknown error'})`, error);
}

/** Size of a regular file described by `info`. */
export function regularFileSize(path: string, info: Stats): number {
  if (info.isDirectory()) throw new InvalidArgumentError('path', `${path} is a directory, not a file`);
  if (!info.isFile()) throw new InvalidArgumentError('path', `${path} is not a regular file`);
  return info.size;
}

/** Like regularFileSize, and refuses an empty file. */
export function digestibleSize(path: string, info: Stats): number {
  const size = regularFileSize(path, info);
  if (size === 0)
    throw new InvalidArgumentError(
      'path',
      `${path} is empty; SPEC §1 has no digest of 0 bytes, so it cannot be digested, sealed or verified`,
    );
  return size;
}

/** Size of a regular file; missing paths and directories get errors a user can act on. */
export async function statRegularFile(path: string): Promise<number> {
  return regularFileSize(path, await statPath(path));
}

/** Like statRegularFile, and refuses empty files. */
export async function statDigestible(path: string): Promise<number> {
  return digestibleSize(path, await statPath(path));
}

async function statPath(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw fileOpError(path, 'stat', error);
  }
}
