// The CLI's side of the private-key permission warning (lib/attest/key-file-mode.ts).
import { privateKeyModeWarning } from '../attest/key-file-mode.js';
import type { Reporter } from './reporter.js';

/** Warns (stderr; `warnings` in --json) when the private key file `flag` named is readable by others. */
export function warnIfExposed(reporter: Reporter, path: string, flag: string): void {
  const warning = privateKeyModeWarning(path, `the private key ${flag}`);
  if (warning) reporter.warning(warning);
}
