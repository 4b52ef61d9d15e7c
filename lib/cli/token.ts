// Tokens come only from the environment or a file, never from arguments (argv is visible to
// every user of the machine through /proc). A token must be well-formed UTF-8: a decoder that
// replaced a bad byte with U+FFFD would give different tokens the same seal key.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { decodeStrictUtf8 } from '../formats/well-formed.js';
import { readSmallFile } from './small-file.js';

const DEFAULT_TOKEN_ENV = 'VRAM_RESIDENCY_TOKEN';
/** SPEC §2 allows 4096 bytes; a file may add one line ending. */
const MAX_TOKEN_FILE_BYTES = 4096 + 2;
const NOT_UTF8 = 'is not well-formed UTF-8; a token must be UTF-8 text (e.g. hex or base64 of random bytes)';

export function readToken(opts: { tokenEnv?: string; tokenFile?: string }): string {
  if (opts.tokenFile !== undefined) {
    let bytes = readSmallFile(opts.tokenFile, { flag: '--token-file', maxBytes: MAX_TOKEN_FILE_BYTES });
    if (bytes.at(-1) === 0x0a) bytes = bytes.subarray(0, bytes.at(-2) === 0x0d ? -2 : -1);
    const text = decodeStrictUtf8(bytes);
    if (text === null) throw new InvalidArgumentError('--token-file', `the token in ${opts.tokenFile} ${NOT_UTF8}`);
    return text;
  }
  const name = opts.tokenEnv ?? DEFAULT_TOKEN_ENV;
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new InvalidArgumentError(
      'token',
      `set the worker token in the environment variable ${name} (or use --token-env VAR / --token-file FILE)`,
    );
  }
  // Node decodes the environment with U+FFFD for bad bytes: only then look at the raw bytes.
  if (value.includes('\ufffd') && rawEnvironmentText(name) !== value) {
    throw new InvalidArgumentError('token', `the environment variable ${name} ${NOT_UTF8}`);
  }
  return value;
}

/** The variable's value decoded strictly from the process's initial environment, or null. */
function rawEnvironmentText(name: string): string | null {
  let environ: Buffer;
  try {
    environ = readFileSync('/proc/self/environ');
  } catch {
    return null; // cannot tell a real U+FFFD from a replaced byte: refuse
  }
  const prefix = Buffer.from(`${name}=`);
  for (let start = 0; start < environ.length; ) {
    let end = environ.indexOf(0, start);
    if (end < 0) end = environ.length;
    const entry = environ.subarray(start, end);
    if (entry.subarray(0, prefix.length).equals(prefix)) return decodeStrictUtf8(entry.subarray(prefix.length));
    start = end + 1;
  }
  return null;
}
