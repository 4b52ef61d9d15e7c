// The directory a verify or query reads: a missing or non-directory path is the caller's mistake
// (E_ARG naming `dir`), not a raw ENOENT from deep inside a scan.
import { statSync } from 'node:fs';
import { InvalidArgumentError } from '../../errors.js';
import { assertString } from '../../formats/args.js';

export function assertLogDir(dir: unknown): asserts dir is string {
  assertString(dir, 'dir');
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    throw new InvalidArgumentError('dir', `cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!isDir) throw new InvalidArgumentError('dir', `${dir} is not a directory`);
}
