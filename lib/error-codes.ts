// The base of the one error family: every stable code, the base class and the argument error.
// lib/errors.ts re-exports all of it with the rest of the family (docs/errors.md is checked against it).

/** Every stable error code; docs/errors.md has one row per code (test/structure/error-docs.test.ts). */
export const ERROR_CODES = [
  'E_ARG',
  'E_MALFORMED',
  'E_WRONG_KEY',
  'E_MAC_MISMATCH',
  'E_SIZE_MISMATCH',
  'E_DIGEST_MISMATCH',
  'E_CONTENT_MISMATCH',
  'E_SIGNATURE_MISMATCH',
  'E_MODEL_MISMATCH',
  'E_SEAL_VERIFICATION',
  'E_INSUFFICIENT_VRAM',
  'E_OUT_OF_MEMORY',
  'E_POLICY',
  'E_NO_DEVICE',
  'E_NO_ADDON',
  'E_CUDA',
  'E_DEVICE_LOST',
  'E_BOUNDS',
  'E_FREED',
  'E_IO',
  'E_CLOSED',
  'E_ABORTED',
  'E_AUDIT_BUFFER_FULL',
  'E_AUDIT_LOCKED',
  'E_AUDIT_INVALID_EVENT',
  'E_AUDIT_IO',
  'E_AUDIT_CORRUPT',
  'E_AUDIT_SEALING_STATE',
  'E_KEY',
  // hardening (issue 10)
  'E_FILE_CHANGED',
  // fleet shipping (lib/fleet)
  'E_FLEET_UNREACHABLE',
  'E_FLEET_STREAM_CONFIG',
  'E_FLEET_FOREIGN_RECORD',
  'E_FLEET_PUBLISH',
  // leases and IPC (issue 23: lib/manager/lease.ts, lib/native/ipc.ts)
  'E_LEASED',
  'E_STALE_HANDLE',
  'E_IPC_UNAVAILABLE',
  // transparency-log witness (lib/witness)
  'E_WITNESS_STATE',
  'E_FLEET_PERMISSION',
  // the one error family (issue 19)
  'E_CANONICAL_JSON',
] as const;

/** Every stable error code this package throws (docs/errors.md lists them with their classes). */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The base of every error the package throws: `code` is stable (see docs/errors.md), `retriable`
 * says whether the same call may succeed later. Messages never carry secrets.
 */
export class VramResidencyError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }

  /** Name, code, message and retriable: what a `--json` output or a log line shows. */
  toJSON(): { name: string; code: ErrorCode; message: string; retriable: boolean } {
    return { name: this.name, code: this.code, message: this.message, retriable: this.retriable };
  }
}

/** A bad argument: wrong type, out of range, wrong length. */
export class InvalidArgumentError extends VramResidencyError {
  readonly argument: string;
  constructor(argument: string, message: string) {
    super('E_ARG', `${argument}: ${message}`);
    this.argument = argument;
  }
}
