// Private key files readable by others: warned about as ssh does ("UNPROTECTED PRIVATE KEY
// FILE"), not refused — keys mounted from secret stores often arrive 0644, and refusing would stop
// a worker that cannot change them. The CLI prints the warning on stderr and lists it under
// `warnings` in --json; the audit logger logs it for a checkpoint key given as a path.
import { statSync } from 'node:fs';

/** The warning for a private key file with group or other permission bits, or null (also on Windows). */
export function privateKeyModeWarning(path: string, what: string): string | null {
  if (process.platform === 'win32') return null;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile() || (stat.mode & 0o077) === 0) return null;
  const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
  return `${what} ${path} is accessible by others (mode ${mode}); anyone who can read it can sign as you — run chmod 600 ${path}`;
}
