// Reading the small files a command is pointed at (seal records, tokens, keys, bundles): only a
// regular file, never more than a cap. /dev/zero would otherwise grow without end and a FIFO would
// block forever; O_NONBLOCK makes opening a FIFO return at once so fstat can refuse it.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';

export interface SmallFileOptions {
  /** The flag or argument named in errors, e.g. "--seal". */
  flag: string;
  maxBytes: number;
  /** The error for a file over the cap (default: E_ARG naming the flag). */
  tooLarge?: (bytes: number) => Error;
}

export function readSmallFile(path: string, opts: SmallFileOptions): Buffer {
  const tooLarge = (bytes: number) =>
    opts.tooLarge?.(bytes) ??
    new InvalidArgumentError(
      opts.flag,
      `${path} is larger than ${opts.maxBytes} bytes (${bytes}); this is not the file you meant`,
    );
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(
      opts.flag,
      `cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InvalidArgumentError(opts.flag, `${path} is not a regular file`);
    if (stat.size > opts.maxBytes) throw tooLarge(stat.size);
    // Read one byte past the cap: a file growing while read is caught too.
    const buffer = Buffer.alloc(opts.maxBytes + 1);
    let filled = 0;
    for (let n = -1; n !== 0 && filled < buffer.length; filled += n) {
      try {
        n = readSync(fd, buffer, filled, buffer.length - filled, null);
      } catch (error) {
        throw new InvalidArgumentError(
          opts.flag,
          `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    }
    if (filled > opts.maxBytes) throw tooLarge(filled);
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}
