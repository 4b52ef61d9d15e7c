// The SPEC §6 epoch-seal rules as a check over the verifier core's walk. With the verification
// key it re-derives each epoch key from K0 and checks, record by record: seals come in order
// e = 0, 1, 2 … without gaps, each after its epoch ended and with the right tag over the chain
// head it closes; every other record lies in the epoch of the next seal. Browser-safe.
import type { AuditRecord } from '../format/events.js';
import type { AuditVerifyError, RecordCheck, RecordPosition } from './chain-verifier.js';
import { equalsHex } from '../../formats/constant-time.js';
import { HEX64_PATTERN as HEX64 } from '../../formats/patterns.js';
import { EPOCH_SEALED, epochOf, epochTagBytes, ratchet, type HmacSha256 } from '../format/epochs.js';
import type { VerificationKey } from '../format/verification-key.js';

export interface SealingReport {
  /** Seals checked (epochs 0 … epochsSealed − 1). */
  epochsSealed: number;
  lastSealedEpoch: number | null;
  /** Records after the last seal: covered by the chain only until their epoch is sealed. */
  unsealedTail: number;
  /** The epoch of the verifier's clock. */
  currentEpoch: number;
  /** Ended epochs with no seal in the log, counted at the verifier's clock. */
  epochsBehind: number;
  /** The last seal is more than two epochs behind the clock: the log may have been cut (a checkpoint kept elsewhere tells). */
  stale: boolean;
}

export interface EpochSealCheck extends RecordCheck {
  report(): SealingReport;
  /** Where the unsealed tail begins (its first record), or null when there is none. */
  tailStart(): RecordPosition | null;
}

export function epochSealCheck(vkey: VerificationKey, hmac: HmacSha256, nowMs: number): EpochSealCheck {
  let key = vkey.k0();
  let nextEpoch = 0;
  let tail = 0;
  let tailStart: RecordPosition | null = null;
  const fail = (at: RecordPosition, reason: AuditVerifyError['reason'], detail: string): AuditVerifyError => ({
    file: at.source,
    line: at.line,
    reason,
    detail,
  });

  return {
    record(rec: AuditRecord, at: RecordPosition): AuditVerifyError | null {
      const e = epochOf(vkey, Date.parse(rec.ts));
      if (rec.type !== EPOCH_SEALED) {
        if (e < 0)
          return fail(
            at,
            'record outside its epoch',
            `seq ${rec.seq}: ts ${rec.ts} is before the verification key's start`,
          );
        if (e < nextEpoch)
          return fail(
            at,
            'record outside its epoch',
            `seq ${rec.seq}: ts ${rec.ts} lies in epoch ${e}, which is already sealed`,
          );
        if (e > nextEpoch)
          return fail(
            at,
            'missing epoch seal',
            `epoch ${nextEpoch} ended before seq ${rec.seq} (ts in epoch ${e}) but has no seal`,
          );
        if (tail++ === 0) tailStart = at;
        return null;
      }
      const d = rec.data as Record<string, unknown>;
      const keys = Object.keys(d);
      if (
        keys.length !== 2 ||
        !Number.isSafeInteger(d.epoch) ||
        (d.epoch as number) < 0 ||
        typeof d.tag !== 'string' ||
        !HEX64.test(d.tag)
      ) {
        return fail(
          at,
          'malformed record',
          `seq ${rec.seq}: an epoch seal's data must be {"epoch": integer ≥ 0, "tag": 64 hex}`,
        );
      }
      const epoch = d.epoch as number;
      if (rec.service !== vkey.service)
        return fail(
          at,
          'wrong verification key',
          `seq ${rec.seq} is a seal of service ${rec.service}; the key is for ${vkey.service}`,
        );
      if (epoch > nextEpoch)
        return fail(at, 'missing epoch seal', `epoch ${nextEpoch} has no seal (seq ${rec.seq} seals epoch ${epoch})`);
      if (epoch < nextEpoch)
        return fail(
          at,
          'missing epoch seal',
          `seq ${rec.seq} seals epoch ${epoch} again or out of order (expected the seal of epoch ${nextEpoch})`,
        );
      if (e <= epoch)
        return fail(
          at,
          'record outside its epoch',
          `seq ${rec.seq}: the seal of epoch ${epoch} is dated ${rec.ts}, before its epoch ended`,
        );
      if (!equalsHex(epochTagBytes(hmac, key, epoch, rec.prev), d.tag as string)) {
        return fail(
          at,
          'tag mismatch',
          `tag mismatch for epoch ${epoch} (seq ${rec.seq}): the records it seals were changed, or the key is not this log's`,
        );
      }
      const next = ratchet(hmac, key);
      key.fill(0);
      key = next;
      nextEpoch++;
      tail = 0;
      tailStart = null;
      return null;
    },
    end(): null {
      key.fill(0);
      return null;
    },
    tailStart: () => tailStart,
    report(): SealingReport {
      const currentEpoch = epochOf(vkey, nowMs);
      const lastSealedEpoch = nextEpoch > 0 ? nextEpoch - 1 : null;
      const epochsBehind = Math.max(0, currentEpoch - nextEpoch);
      return {
        epochsSealed: nextEpoch,
        lastSealedEpoch,
        unsealedTail: tail,
        currentEpoch,
        epochsBehind,
        stale: currentEpoch - (lastSealedEpoch ?? -1) > 2,
      };
    },
  };
}
