// The sealing state file in the log directory: the one epoch key the host keeps (SPEC §6), and
// the epoch it seals next. Rewritten atomically (temp file fsynced, renamed, directory fsynced)
// after each ratchet, so a crash leaves either the old or the new state, never a torn one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditSealingStateError } from '../../errors.js';
import type { FileLayer } from './file-layer.js';
import { strictJsonProblem } from '../../formats/strict-json.js';
import { SERVICE_PATTERN } from '../format/validate.js';
import { toHex } from '../../formats/hex.js';
import { fromHex } from '../../formats/hex.js';
import { MAX_EPOCH_SECONDS } from '../format/epochs.js';

export const STATE_FILE = 'audit.sealing-state.json';
export const STATE_FORMAT = 'vram-residency.audit-seal-state.v1';

export interface SealState {
  service: string;
  start: number;
  epochSeconds: number;
  /** The epoch `key` belongs to: the next one to seal. */
  epoch: number;
  key: Uint8Array;
  /**
   * Set while a batch of missed epochs `epoch … batchThrough` is being sealed with one write: a
   * crash after the batch is durable and before the state moves on leaves the log up to that many
   * epochs ahead, which reopening completes (instead of refusing a state that is behind).
   */
  batchThrough?: number;
}

/** The state, or null when there is no state file; E_AUDIT_SEALING_STATE when it cannot be trusted. */
export function readSealState(dir: string): SealState | null {
  let text: string;
  try {
    text = readFileSync(join(dir, STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AuditSealingStateError(
      `cannot read the sealing state ${STATE_FILE} in ${dir}: ${(err as NodeJS.ErrnoException).code}`,
    );
  }
  const corrupt = (why: string) =>
    new AuditSealingStateError(
      `the sealing state ${STATE_FILE} in ${dir} is corrupt (${why}); it is never reset silently — restore it from a backup or start a new log with a new verification key`,
    );
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw corrupt('not JSON');
  }
  if (strictJsonProblem(text)) throw corrupt('not strict JSON');
  if (o === null || typeof o !== 'object' || o.format !== STATE_FORMAT) throw corrupt('wrong format');
  if (typeof o.service !== 'string' || !SERVICE_PATTERN.test(o.service)) throw corrupt('bad service');
  if (!Number.isSafeInteger(o.start) || (o.start as number) < 0) throw corrupt('bad start');
  if (
    !Number.isSafeInteger(o.epochSeconds) ||
    (o.epochSeconds as number) < 1 ||
    (o.epochSeconds as number) > MAX_EPOCH_SECONDS
  )
    throw corrupt('bad epochSeconds');
  if (!Number.isSafeInteger(o.epoch) || (o.epoch as number) < 0) throw corrupt('bad epoch');
  if (typeof o.key !== 'string' || !/^[0-9a-f]{64}$/.test(o.key)) throw corrupt('bad key');
  if (
    o.batchThrough !== undefined &&
    (!Number.isSafeInteger(o.batchThrough) || (o.batchThrough as number) < (o.epoch as number))
  )
    throw corrupt('bad batchThrough');
  return {
    service: o.service,
    start: o.start as number,
    epochSeconds: o.epochSeconds as number,
    epoch: o.epoch as number,
    key: fromHex(o.key),
    ...(o.batchThrough === undefined ? {} : { batchThrough: o.batchThrough as number }),
  };
}

/** Replace the state file atomically and durably. */
export function writeSealState(dir: string, state: SealState, layer: FileLayer): void {
  const text =
    JSON.stringify({
      format: STATE_FORMAT,
      service: state.service,
      start: state.start,
      epochSeconds: state.epochSeconds,
      epoch: state.epoch,
      key: toHex(state.key),
      ...(state.batchThrough === undefined ? {} : { batchThrough: state.batchThrough }),
    }) + '\n';
  const tmp = join(dir, STATE_FILE + '.tmp');
  layer.writeFileSync(tmp, text, 0o600); // written and fsynced
  layer.renameSync(tmp, join(dir, STATE_FILE));
  layer.fsyncDirSync(dir);
}
