// Exit statuses and how errors become one clear sentence: 0 ok, 1 a check failed, 2 usage or environment.
import { SealCheckError, SealVerificationError, VramResidencyError } from '../errors.js';

export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

/** A failed check the command wants reported with exit status 1 (not a crash). */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof CheckFailed || error instanceof SealCheckError || error instanceof SealVerificationError) {
    return EXIT_CHECK_FAILED;
  }
  return EXIT_USAGE;
}

/** An error from the operating system (a failed read, write, open…): a known condition, E_IO. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).syscall === 'string' &&
    typeof (error as NodeJS.ErrnoException).code === 'string'
  );
}

/** Machine-readable error: code, reason and message; never a stack unless asked. */
export function errorJson(error: unknown, debug: boolean): Record<string, unknown> {
  const base: Record<string, unknown> =
    error instanceof VramResidencyError
      ? {
          code: error.code,
          message: error.message,
          ...('reason' in error ? { reason: (error as { reason: string }).reason } : {}),
        }
      : error instanceof CheckFailed
        ? { code: 'E_CHECK_FAILED', message: error.message, ...error.details }
        : isSystemError(error)
          ? { code: 'E_IO', message: error.message }
          : { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
  if (debug && error instanceof Error) base.stack = error.stack;
  return base;
}
