// Whether a model path on the command line is one file or a directory (usage errors otherwise).
import { promises as fsp } from 'node:fs';
import { InvalidArgumentError } from '../../errors.js';

export async function statRegularFileOrDir(path: string): Promise<'file' | 'dir'> {
  const stat = await fsp.stat(path).catch(() => null);
  if (stat?.isFile()) return 'file';
  if (stat?.isDirectory()) return 'dir';
  throw new InvalidArgumentError('model', `${path} is ${stat ? 'neither a file nor a directory' : 'missing'}`);
}
