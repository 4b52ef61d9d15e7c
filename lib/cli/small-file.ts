// The one reader for the small files a command is pointed at (tokens, seal records, keys,
// verification keys, checkpoint notes, bundles, signatures): only a regular file, never more than
// the cap of its kind. Without this, /dev/zero would grow a buffer until the process aborts and a
// FIFO would block forever; O_NONBLOCK makes opening a FIFO return at once so fstat can refuse it.
// Every refusal is E_ARG naming the flag (exit status 2).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';

/** The kinds of small file a flag names, and the most bytes each may hold. */
export const SMALL_FILE_LIMITS = {
  /** PEM keys (Ed25519, ECDSA), verification keys, C2SP verifier keys: a few hundred bytes each. */
  key: 16 * 1024,
  /** A signed checkpoint note: three body lines and a few signature lines. */
  note: 16 * 1024,
  /** A Sigstore bundle of one seal record. */
  bundle: 4 * 1024 * 1024,
  /** A model signature (a bundle whose statement lists every file of a model). */
  signature: 16 * 1024 * 1024,
} as const;

/** A kind of small file (see {@link SMALL_FILE_LIMITS}). */
export type SmallFileKind = keyof typeof SMALL_FILE_LIMITS;

export interface SmallFileOptions {
  /** The flag or argument named in errors, e.g. "--seal". */
  flag: string;
  maxBytes: number;
  /** The error for a file over the cap (default: E_ARG naming the flag). */
  tooLarge?: (bytes: number) => Error;
}

function cannotRead(flag: string, path: string, error: unknown): InvalidArgumentError {
  const code = (error as NodeJS.ErrnoException).code;
  return new InvalidArgumentError(
    flag,
    `cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`,
  );
}

/** Reads a regular file of at most `maxBytes`; refuses anything else with a clear E_ARG. */
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
    throw cannotRead(opts.flag, path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      const what = stat.isFIFO()
        ? 'a FIFO'
        : stat.isDirectory()
          ? 'a directory'
          : stat.isCharacterDevice() || stat.isBlockDevice()
            ? 'a device'
            : 'a special file';
      throw new InvalidArgumentError(opts.flag, `${path} is not a regular file (${what})`);
    }
    if (stat.size > opts.maxBytes) throw tooLarge(stat.size);
    return readUpTo(fd, opts, path, stat.size, tooLarge);
  } finally {
    closeSync(fd);
  }
}

/** Reads to the end, one byte past the cap at most: a file growing while read is caught too. */
function readUpTo(
  fd: number,
  opts: SmallFileOptions,
  path: string,
  sizeNow: number,
  tooLarge: (bytes: number) => Error,
): Buffer {
  let buffer = Buffer.alloc(Math.min(sizeNow, opts.maxBytes) + 1);
  let filled = 0;
  for (;;) {
    if (filled === buffer.length) {
      if (filled > opts.maxBytes) throw tooLarge(filled);
      const grown = Buffer.alloc(Math.min(buffer.length * 2, opts.maxBytes + 1));
      buffer.copy(grown);
      buffer = grown;
    }
    let n: number;
    try {
      n = readSync(fd, buffer, filled, buffer.length - filled, null);
    } catch (error) {
      throw cannotRead(opts.flag, path, error);
    }
    if (n === 0) break;
    filled += n;
  }
  if (filled > opts.maxBytes) throw tooLarge(filled);
  return buffer.subarray(0, filled);
}

/**
 * The text of a small file of a known kind (a key, a note, a bundle, a signature) named by `flag`:
 * a regular file under the kind's cap, decoded as UTF-8.
 */
export function readSmallText(path: string, flag: string, kind: SmallFileKind): string {
  const maxBytes = SMALL_FILE_LIMITS[kind];
  const tooLarge = (bytes: number) =>
    new InvalidArgumentError(
      flag,
      `${path} holds ${bytes} bytes or more, more than any ${kind} file (at most ${maxBytes}); this is not the file you meant`,
    );
  return readSmallFile(path, { flag, maxBytes, tooLarge }).toString('utf8');
}
