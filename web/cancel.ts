// Cancelling a verification: the Cancel button aborts a signal; the hashing stops its workers and
// rejects with VerificationCancelled, which the page reports as "Cancelled", not as a failure.

export class VerificationCancelled extends Error {
  constructor() {
    super('the verification was cancelled');
    this.name = 'VerificationCancelled';
  }
}

/** Rejects through `reject` when `signal` aborts (at once when it already has). */
export function onCancel(signal: AbortSignal | undefined, reject: (e: Error) => void): void {
  if (!signal) return;
  if (signal.aborted) reject(new VerificationCancelled());
  else signal.addEventListener('abort', () => reject(new VerificationCancelled()), { once: true });
}
