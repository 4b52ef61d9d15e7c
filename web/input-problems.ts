// Mistakes in what was chosen or typed, said in the page's words: "cannot verify" (neutral, not the
// red of a tampered file), never an internal parameter name, never the token itself.

/** A problem with the inputs the person can fix. */
export class InputProblem extends Error {}

const MIN_TOKEN_BYTES = 16;
const MAX_TOKEN_BYTES = 4096;

/** SPEC §2: a worker token is 16 to 4096 bytes of UTF-8. Says how long the typed one is, never what it is. */
export function checkTokenLength(token: string): void {
  if (token === '') throw new InputProblem('Type the worker token the record was sealed under.');
  const bytes = new TextEncoder().encode(token).length;
  if (bytes < MIN_TOKEN_BYTES || bytes > MAX_TOKEN_BYTES)
    throw new InputProblem(
      `A worker token is 16 to 4,096 bytes long; the one typed is ${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}. Check that it was pasted whole.`,
    );
}

/** A key file that cannot be the public key asked for, recognised before any check runs (or null). */
export function publicKeyProblem(text: string, name: string): string | null {
  if (/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text))
    return `${name} is a private key. Choose the matching public key (the .pub file) — and keep the private key to yourself.`;
  if (!/-----BEGIN PUBLIC KEY-----/.test(text))
    return `${name} is not a public key in PEM form (a file that starts with “-----BEGIN PUBLIC KEY-----”).`;
  return null;
}

/**
 * The text of a "cannot verify" verdict for an error thrown while checking: the page's own input
 * problems as they are, the library's argument and key errors without the internal parameter name
 * they lead with; anything else is an unexpected error, said as such.
 */
export function cannotVerifyText(error: unknown, what = ''): string {
  if (error instanceof InputProblem) return error.message;
  const e = error as { code?: unknown; argument?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (e?.code === 'E_ARG' || e?.code === 'E_KEY') {
    const argument = typeof e.argument === 'string' ? e.argument : null;
    const plain = argument && message.startsWith(`${argument}: `) ? message.slice(argument.length + 2) : message;
    return `${what}${plain.charAt(0).toUpperCase()}${plain.slice(1)}${/[.!?]$/.test(plain) ? '' : '.'}`;
  }
  return `Unexpected error: ${message}`;
}
