// The manager's audit records. Every vram.* and seal.* event carries the same timestamp,
// gpu_device and worker_id; this is the one place that fills them in.
import type { AuditLogger } from '../audit/index.js';
import { AuditIoError, VramResidencyError } from '../errors.js';
import { SHARD_ID_PATTERN } from '../formats/patterns.js';
import type { PolicyFinding } from './policy.js';

const now = (): string => new Date().toISOString();

export class ManagerAuditTrail {
  readonly #audit: AuditLogger;
  readonly #device: number;
  readonly #workerId: string;

  constructor(audit: AuditLogger, device: number, workerId: string) {
    this.#audit = audit;
    this.#device = device;
    this.#workerId = workerId;
  }

  allocationFailed(requested: number, available: number, reason: string): void {
    this.#emitDevice('vram.allocation_failed', { requested_bytes: requested, available_bytes: available, reason });
  }

  allocated(size: number, available: number, used: number): void {
    this.#emitDevice('vram.allocated', {
      requested_bytes: size,
      allocated_bytes: size,
      available_bytes: available,
      used_bytes: used,
    });
  }

  sealed(shardId: string, size: number, digest: string): void {
    this.#emitDevice('vram.sealed', { shard_id: shardId, vram_bytes: size, digest });
  }

  /** `reason` only when a seal failed or was aborted after allocating (a release needs none). */
  deallocated(shardId: string, freed: number, remainingUsed: number, reason?: string): void {
    this.#emitDevice('vram.deallocated', {
      shard_id: shardId,
      freed_bytes: freed,
      remaining_used: remainingUsed,
      ...(reason === undefined ? {} : { reason }),
    });
  }

  verified(shardId: string): void {
    this.#audit.emit({
      type: 'seal.verified',
      data: { timestamp: now(), shard_id: shardId, worker_id: this.#workerId },
    });
  }

  /**
   * Critical, and on disk before this resolves: nobody can act on the failure before it is logged.
   * Resolves with the audit error instead when the log cannot make it durable now (it stays queued).
   */
  async verificationFailed(
    shardId: string,
    reason: string,
    expected: string | null,
    actual: string | null,
  ): Promise<VramResidencyError | undefined> {
    try {
      await this.#verificationFailed(shardId, reason, expected, actual);
      return undefined;
    } catch (e) {
      return e instanceof VramResidencyError ? e : new AuditIoError(String(e), e);
    }
  }

  async #verificationFailed(
    shardId: string,
    reason: string,
    expected: string | null,
    actual: string | null,
  ): Promise<void> {
    this.#audit.emit({
      type: 'seal.verification_failed',
      severity: 'critical',
      data: {
        timestamp: now(),
        shard_id: SHARD_ID_PATTERN.test(shardId) ? shardId : 'invalid',
        reason,
        expected_digest: expected,
        actual_digest: actual,
        worker_id: this.#workerId,
        severity: 'critical',
      },
    });
    await this.#audit.flush();
  }

  /** A signed model refused (sealModel): critical, and on disk before this resolves. */
  async integrityViolation(
    resource: string,
    reason: string,
    expected: string | null,
    actual: string | null,
  ): Promise<void> {
    this.#audit.emit({
      type: 'integrity.violation',
      severity: 'critical',
      data: {
        timestamp: now(),
        resource,
        reason,
        expected_digest: expected,
        actual_digest: actual,
        worker_id: this.#workerId,
      },
    });
    await this.#audit.flush();
  }

  droppedWithoutRelease(shardId: string): void {
    this.#audit.emit({
      type: 'security.suspicious_activity',
      data: {
        timestamp: now(),
        activity: 'shard_dropped_without_release',
        details: 'a SealedShard was garbage-collected without release(); its device memory is zeroed and freed now',
        subject_id: shardId,
        worker_id: this.#workerId,
      },
    });
  }

  /** The device was lost (E_DEVICE_LOST): a released shard's memory could not be zeroed. */
  notZeroed(shardId: string, bytes: number): Promise<void> {
    this.#audit.emit({
      type: 'security.policy_violation',
      severity: 'critical',
      data: {
        timestamp: now(),
        policy: 'zero_on_release',
        violation: 'memory_not_zeroed',
        severity: 'critical',
        worker_id: this.#workerId,
        details: `the device was lost: ${bytes} bytes of shard ${shardId} on gpu device ${this.#device} were released without being zeroed`,
        action_taken: 'memory released unzeroed; the device refuses further work',
      },
    });
    return this.#audit.flush();
  }

  policyViolation(findings: PolicyFinding[], action: string): Promise<void> {
    return reportPolicyViolation(this.#audit, this.#workerId, findings, action);
  }

  flush(): Promise<void> {
    return this.#audit.flush();
  }

  #emitDevice(
    type: 'vram.allocation_failed' | 'vram.allocated' | 'vram.sealed' | 'vram.deallocated',
    data: Record<string, unknown>,
  ): void {
    this.#audit.emit({
      type,
      data: { timestamp: now(), ...data, gpu_device: this.#device, worker_id: this.#workerId },
    });
  }
}

/** Audits each finding as critical and flushes; used before a manager exists (startup) too. */
export async function reportPolicyViolation(
  audit: AuditLogger,
  workerId: string,
  findings: PolicyFinding[],
  action: string,
): Promise<void> {
  for (const f of findings) {
    audit.emit({
      type: 'security.policy_violation',
      severity: 'critical',
      data: {
        timestamp: now(),
        policy: f.policy,
        violation: f.violation,
        details: f.details,
        severity: 'critical',
        worker_id: workerId,
        action_taken: action,
      },
    });
  }
  await audit.flush();
}
