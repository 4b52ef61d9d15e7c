// Tokens come only from the environment or a file, never from arguments (argv is visible to
// every user of the machine through /proc).
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';

const DEFAULT_TOKEN_ENV = 'VRAM_RESIDENCY_TOKEN';

export function readToken(opts: { tokenEnv?: string; tokenFile?: string }): string {
  if (opts.tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.tokenFile, 'utf8');
    } catch (error) {
      throw new InvalidArgumentError('--token-file', `cannot read ${opts.tokenFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return text.replace(/\r?\n$/, '');
  }
  const name = opts.tokenEnv ?? DEFAULT_TOKEN_ENV;
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new InvalidArgumentError('token', `set the worker token in the environment variable ${name} (or use --token-env VAR / --token-file FILE)`);
  }
  return value;
}
