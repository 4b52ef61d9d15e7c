// SPEC §7 names: one subject per service for records, one for checkpoints, in one stream.
import { assertString } from '../formats/args.js';
import { InvalidArgumentError } from '../errors.js';
import { SERVICE_PATTERN } from '../audit/format/validate.js';

export const DEFAULT_STREAM = 'VRAM_AUDIT';
export const AUDIT_PREFIX = 'vram.audit.';
export const CHECKPOINT_PREFIX = 'vram.checkpoint.';
export const STREAM_SUBJECTS = [`${AUDIT_PREFIX}>`, `${CHECKPOINT_PREFIX}>`];
const STREAM_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * A service name as NATS subject tokens. SPEC §4 allows dots in service names; they become token
 * separators, which is fine as long as no token is empty (a leading, trailing or doubled dot).
 */
export function assertShippableService(service: string): void {
  if (!SERVICE_PATTERN.test(service))
    throw new InvalidArgumentError('service', `"${service.slice(0, 40)}" is not a SPEC §4 service name`);
  if (service.split('.').some((t) => t === '')) {
    throw new InvalidArgumentError(
      'service',
      `"${service}" has an empty token between dots, so vram.audit.${service} is not a NATS subject; rename the service`,
    );
  }
}

/** The NATS subject a service's records go to: `vram.audit.<service>` (E_ARG for a name that cannot be one). */
export function auditSubject(service: string): string {
  assertString(service, 'service');
  assertShippableService(service);
  return AUDIT_PREFIX + service;
}

/** The NATS subject a service's checkpoints go to: `vram.checkpoint.<service>` (E_ARG as for auditSubject). */
export function checkpointSubject(service: string): string {
  assertString(service, 'service');
  assertShippableService(service);
  return CHECKPOINT_PREFIX + service;
}

export function serviceOfSubject(subject: string): string | null {
  return subject.startsWith(AUDIT_PREFIX) ? subject.slice(AUDIT_PREFIX.length) : null;
}

export function assertStreamName(name: string): string {
  if (!STREAM_NAME.test(name))
    throw new InvalidArgumentError(
      '--stream',
      `"${name.slice(0, 40)}" is not a JetStream stream name (letters, digits, _ and -)`,
    );
  return name;
}
