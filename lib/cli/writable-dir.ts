// Checked before anything is sealed: a directory the command will write to exists (or may be
// made), is a directory, is writable and has room. Each problem is one sentence with a code:
// E_ARG for a path that names the wrong thing, E_IO for a filesystem that cannot take the writes.
import { accessSync, constants, mkdirSync, statSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileIoError, InvalidArgumentError } from '../errors.js';
import { formatBytes } from './reporter.js';

/** Room a seal run needs where it writes: its records and audit lines are a few KiB; keep margin. */
export const MIN_FREE_BYTES = 256 * 1024;

const REASONS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a directory',
};

export function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return REASONS[code] ?? code;
}

/** The nearest part of `path` that exists (for an error that says where the trouble is). */
function nearestExisting(path: string): string {
  let p = resolve(path);
  while (statSync(p, { throwIfNoEntry: false }) === undefined && dirname(p) !== p) p = dirname(p);
  return p;
}

export function prepareWritableDir(dir: string, flag: string, opts: { create: boolean }): void {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (info !== undefined && !info.isDirectory()) throw new InvalidArgumentError(flag, `${dir} is not a directory`);
  if (info === undefined) {
    if (!opts.create) throw new InvalidArgumentError(flag, `the directory ${dir} does not exist`);
    const existing = nearestExisting(dir);
    if (!statSync(existing).isDirectory())
      throw new InvalidArgumentError(flag, `cannot create ${dir}: ${existing} is not a directory`);
    try {
      accessSync(existing, constants.W_OK); // recursive mkdir says ENOENT on a read-only fs; this says why
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new FileIoError(`${flag}: cannot create ${dir} (${ioReason(error)})`, error);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new FileIoError(`${flag}: cannot write to ${dir} (${ioReason(error)})`, error);
  }
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  if (free < MIN_FREE_BYTES || (fs.files > 0 && fs.ffree < 16)) {
    const room = fs.ffree < 16 && fs.files > 0 ? 'no free inodes' : `only ${formatBytes(free)} free`;
    throw new FileIoError(
      `${flag}: no space left for writing in ${dir} (${room}; at least ${formatBytes(MIN_FREE_BYTES)} needed): free some space or choose another directory`,
    );
  }
}
