// A checkpoint (SPEC §6) as a check over the verifier core's walk: the record at seq = size − 1
// must carry the note's hash (the core has already checked the chain up to it), and a log that
// ends before it was cut below what someone signed. Browser-safe.
import type { AuditRecord } from '../format/events.js';
import type { AuditVerifyError, RecordCheck, RecordPosition } from './chain-verifier.js';
import type { CheckpointNote } from '../format/checkpoint-note.js';

export interface CheckpointReport {
  /** The note's file name (or where it came from). */
  note: string;
  size: number;
  signer: string;
  consistent: boolean;
}

export interface CheckpointCheck extends RecordCheck {
  report(): CheckpointReport;
}

export function checkpointCheck(note: CheckpointNote, noteName: string, signer: string): CheckpointCheck {
  let seen = note.size === 0;
  return {
    record(rec: AuditRecord, at: RecordPosition): AuditVerifyError | null {
      if (rec.seq !== note.size - 1) return null;
      if (rec.hash !== note.hash || rec.service !== note.service) {
        return {
          file: at.source,
          line: at.line,
          reason: 'checkpoint mismatch',
          detail: `seq ${rec.seq} is not the record ${noteName} signed (its hash or service differs)`,
        };
      }
      seen = true;
      return null;
    },
    end: (last) => (seen ? null : truncatedBelow(note.size, noteName, signer, last)),
    report: () => ({ note: noteName, size: note.size, signer, consistent: seen }),
  };
}

/** The finding of a log that ends before the last record a note of `size` records covers (v1 and v2). */
export function truncatedBelow(
  size: number,
  noteName: string,
  signer: string,
  last: RecordPosition | null,
): AuditVerifyError {
  return {
    file: last?.source ?? noteName,
    line: 0,
    reason: 'truncated below checkpoint',
    detail: `the log ends before seq ${size - 1}, but ${noteName} (signed by ${signer}) covers ${size} records`,
  };
}
