// One error family for the whole SDK: every failure a user can cause carries a stable `code`
// (for programs) and a `retriable` flag (for schedulers). Messages never carry secrets, pointers
// or model bytes; subclasses add only non-secret context.
import { humanBytes } from './human-bytes.js';
import { type ErrorCode, VramResidencyError } from './error-codes.js';

export * from './error-codes.js';
export * from './errors-services.js';

/**
 * SPEC §3 reasons, in checking order, spelled as in shared/vectors/seal.json; SPEC §5 adds
 * `signature mismatch` (attestations) and `unlisted file` / `missing file` (model signatures).
 */
export type SealFailureReason =
  | 'malformed'
  | 'wrong key'
  | 'mac mismatch'
  | 'signature mismatch'
  | 'size mismatch'
  | 'digest mismatch'
  | 'content mismatch'
  | 'unlisted file'
  | 'missing file'
  | 'no files';

const reasonCodes: Record<SealFailureReason, ErrorCode> = {
  malformed: 'E_MALFORMED',
  'wrong key': 'E_WRONG_KEY',
  'mac mismatch': 'E_MAC_MISMATCH',
  'signature mismatch': 'E_SIGNATURE_MISMATCH',
  'size mismatch': 'E_SIZE_MISMATCH',
  'digest mismatch': 'E_DIGEST_MISMATCH',
  'content mismatch': 'E_CONTENT_MISMATCH',
  'unlisted file': 'E_MODEL_MISMATCH',
  'missing file': 'E_MODEL_MISMATCH',
  'no files': 'E_MODEL_MISMATCH',
};

/** A seal record or the bytes it covers failed a SPEC §3 check; `reason` is the SPEC wording. */
export class SealCheckError extends VramResidencyError {
  readonly reason: SealFailureReason;
  constructor(reason: SealFailureReason, message: string) {
    super(reasonCodes[reason], `${reason}: ${message}`);
    this.reason = reason;
  }
}
export class MalformedSealError extends SealCheckError {
  constructor(message: string) {
    super('malformed', message);
  }
}
export class WrongKeyError extends SealCheckError {
  constructor(message: string) {
    super('wrong key', message);
  }
}
export class MacMismatchError extends SealCheckError {
  constructor(message: string) {
    super('mac mismatch', message);
  }
}
export class SizeMismatchError extends SealCheckError {
  constructor(message: string) {
    super('size mismatch', message);
  }
}
export class DigestMismatchError extends SealCheckError {
  constructor(message: string) {
    super('digest mismatch', message);
  }
}
export class ContentMismatchError extends SealCheckError {
  constructor(message: string) {
    super('content mismatch', message);
  }
}

/** A DSSE signature (SPEC §5) does not verify under the given public key. */
export class SignatureMismatchError extends SealCheckError {
  constructor(message: string) {
    super('signature mismatch', message);
  }
}

/**
 * A model directory disagrees with its signed manifest (SPEC §5 OMS): a file's SHA-256 differs
 * (`digest mismatch`), a file is not in the manifest (`unlisted file`), or a listed one is gone
 * (`missing file`), or the manifest lists no file at all and vouches for nothing (`no files`).
 * `path` is the file, relative to the model directory.
 */
export class ModelMismatchError extends SealCheckError {
  readonly path: string;
  constructor(
    reason: 'digest mismatch' | 'unlisted file' | 'missing file' | 'no files',
    path: string,
    message: string,
  ) {
    super(reason, message);
    this.path = path;
  }
}

/** A resident shard failed re-verification: fatal, the worker must not run inference on it. */
export class SealVerificationError extends VramResidencyError {
  readonly shardId: string;
  readonly reason: string;
  /** Set when the critical audit record could not be made durable before this was thrown (it stays queued). */
  readonly auditError: VramResidencyError | undefined;
  constructor(shardId: string, reason: string, message: string, auditError?: VramResidencyError) {
    super('E_SEAL_VERIFICATION', message, auditError === undefined ? {} : { cause: auditError });
    this.shardId = shardId;
    this.reason = reason;
    this.auditError = auditError;
  }
}

/** Not enough device capacity right now; retry after other shards are released. */
export class InsufficientVramError extends VramResidencyError {
  readonly neededBytes: number;
  readonly availableBytes: number;
  constructor(neededBytes: number, availableBytes: number, message?: string) {
    super(
      'E_INSUFFICIENT_VRAM',
      message ??
        `needs ${humanBytes(neededBytes)} (${neededBytes} bytes) of device memory but only ${humanBytes(availableBytes)} (${availableBytes} bytes) are available; release shards or use a larger device`,
      { retriable: true },
    );
    this.neededBytes = neededBytes;
    this.availableBytes = availableBytes;
  }
}

/** The VRAM-only policy refused a device or an allocation. */
export class PolicyViolationError extends VramResidencyError {
  readonly policy: string;
  readonly remediation: string;
  constructor(policy: string, message: string, remediation: string) {
    super('E_POLICY', `${message}. ${remediation}`);
    this.policy = policy;
    this.remediation = remediation;
  }
}

/** Errors raised by the native addon and the device layer (E_NO_DEVICE, E_CUDA, E_BOUNDS, E_FREED, …). */
export class DeviceError extends VramResidencyError {}

/**
 * A sticky device failure (illegal address, launch failure, uncorrectable ECC): the device refuses
 * all further work, and memory freed from then on cannot be zeroed (free() reports `zeroed: false`).
 */
export class DeviceLostError extends DeviceError {
  constructor(message: string) {
    super('E_DEVICE_LOST', message);
  }
}

/** A manager, logger, device or seal key used after close()/dispose() (E_CLOSED). */
export class ClosedError extends VramResidencyError {
  constructor(message: string) {
    super('E_CLOSED', message);
  }
}

/** The caller's AbortSignal stopped the operation; whatever it had reserved is released (E_ABORTED). */
export class AbortError extends VramResidencyError {
  constructor(message: string, cause?: unknown) {
    super('E_ABORTED', message, cause === undefined ? {} : { cause });
  }
}

/** A file or directory could not be read, or a helper worker reading it failed (E_IO). */
export class FileIoError extends VramResidencyError {
  constructor(message: string, cause?: unknown) {
    super('E_IO', message, cause === undefined ? {} : { cause });
  }
}

/** The WASM module is unavailable (E_NO_ADDON: no WebAssembly) or out of slots (E_OUT_OF_MEMORY). */
export class WasmError extends VramResidencyError {}

/** Audit logger errors (E_AUDIT_*). */
export class AuditError extends VramResidencyError {}

export class AuditBufferFullError extends AuditError {
  constructor(message: string) {
    super('E_AUDIT_BUFFER_FULL', message, { retriable: true });
  }
}

/** Another logger (this process or another live one) holds the audit directory's lock. */
export class AuditLockedError extends AuditError {
  readonly dir: string;
  readonly holderPid: number | null;
  constructor(dir: string, holderPid: number | null) {
    super(
      'E_AUDIT_LOCKED',
      `audit directory ${dir} is locked by ${holderPid === null ? 'another logger' : `process ${holderPid}`}; one writer per directory — close the other logger or use another directory`,
    );
    this.dir = dir;
    this.holderPid = holderPid;
  }
}

/** A write, fsync or rotation of the audit log failed (disk full, I/O error); the logger retries. */
export class AuditIoError extends AuditError {
  constructor(message: string, cause?: unknown) {
    super('E_AUDIT_IO', message, { retriable: true, cause });
  }
}

/** The log's last complete record does not verify, so the logger will not append to it. */
export class AuditLogCorruptError extends AuditError {
  constructor(message: string) {
    super('E_AUDIT_CORRUPT', message);
  }
}

export class InvalidAuditEventError extends AuditError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('E_AUDIT_INVALID_EVENT', `${field}: ${message}`);
    this.field = field;
  }
}

/** The sealing state file (SPEC §6) is missing, unreadable, or disagrees with the log: never reset silently. */
export class AuditSealingStateError extends AuditError {
  constructor(message: string) {
    super('E_AUDIT_SEALING_STATE', message);
  }
}

/** A key or key file (verification key, checkpoint signing or public key) cannot be used. Never carries key bytes. */
export class KeyError extends VramResidencyError {
  readonly argument: string;
  constructor(argument: string, message: string) {
    super('E_KEY', `${argument}: ${message}`);
    this.argument = argument;
  }
}

// ---- Hardening (issue 10): codes added by the CLI/SDK hardening pass. ----

/** A file changed (size, inode or mtime) while it was read: no verdict on it; retry when it is still. */
export class FileChangedError extends VramResidencyError {
  readonly path: string;
  constructor(path: string, message: string) {
    super('E_FILE_CHANGED', message, { retriable: true });
    this.path = path;
  }
}

/** A value an audit record cannot hold in RFC 8785 form (a float or unsafe integer, undefined, a function…). */
export class CanonicalJsonError extends VramResidencyError {
  constructor(message: string) {
    super('E_CANONICAL_JSON', message);
  }
}
