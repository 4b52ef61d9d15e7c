// A v2 checkpoint (SPEC §8) as a check over the verifier core's walk: the records' hashes are the
// tree's entries, so the root over the first `size` of them, built as they pass (a frontier: two
// hashes a record, no storage), must be the note's root; a log that ends before `size` was cut
// below what someone signed. Browser-safe: SHA-256 is injected.
import type { Sha256 } from '../format/checkpoint-note.js';
import type { AuditRecord } from '../format/events.js';
import type { AuditVerifyError, RecordPosition } from '../verify/chain-verifier.js';
import { type CheckpointCheck, truncatedBelow } from '../verify/checkpoint-check.js';
import type { CheckpointV2 } from './checkpoint.js';
import { hexToBytes } from './proof-file.js';
import { leafHash, TreeFrontier } from './tree.js';
import { constantTimeEqual } from '../../formats/constant-time.js';

/** The check of one verified v2 note (`signer`: the log key's name from its signature line). */
export function checkpointV2Check(cp: CheckpointV2, noteName: string, signer: string, sha256: Sha256): CheckpointCheck {
  const frontier = new TreeFrontier(sha256);
  let seen = false;
  return {
    record(rec: AuditRecord, at: RecordPosition): AuditVerifyError | null {
      if (rec.seq >= cp.size) return null;
      frontier.append(leafHash(sha256, hexToBytes(rec.hash)));
      if (rec.service !== cp.service)
        return {
          file: at.source,
          line: at.line,
          reason: 'checkpoint mismatch',
          detail: `seq ${rec.seq} is of service ${rec.service}, but ${noteName} is the log of ${cp.service}`,
        };
      if (rec.seq !== cp.size - 1) return null;
      if (!constantTimeEqual(frontier.root(), cp.root))
        return {
          file: at.source,
          line: at.line,
          reason: 'checkpoint mismatch',
          detail: `the tree of the first ${cp.size} records does not have the root ${noteName} signed`,
        };
      seen = true;
      return null;
    },
    end: (last) => (seen ? null : truncatedBelow(cp.size, noteName, signer, last)),
    report: () => ({ note: noteName, size: cp.size, signer, consistent: seen }),
  };
}
