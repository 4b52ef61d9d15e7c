// Consistency between v2 checkpoints of one log, by proof (SPEC §8, RFC 6962 §2.1.2): for each
// note and the next larger one, the consistency proof from the log's tree must lead from the
// older root to the newer. A note that fails is named, with the later note it contradicts.
import { AuditLogCorruptError, InvalidArgumentError } from '../../errors.js';
import { TreeFile } from '../write/tree-file.js';
import { sha256Bytes } from '../write/node-crypto.js';
import { ORIGIN_PREFIX_V2, parseCheckpointV2 } from '../tlog/checkpoint.js';
import { verifyConsistency } from '../tlog/tree.js';
import { assertString } from '../../formats/args.js';

/** The outcome of {@link checkCheckpointConsistency}. */
export type ConsistencyResult =
  | { consistent: true; pairs: { from: string; to: string; m: number; n: number }[] }
  | { consistent: false; note: string; later: string; detail: string };

/** Checks every pair of consecutive v2 notes (by size) of the log in `dir`; v1 notes are left to the chain check. */
export function checkCheckpointConsistency(dir: string, notes: { name: string; text: string }[]): ConsistencyResult {
  assertString(dir, 'dir');
  if (!Array.isArray(notes)) throw new InvalidArgumentError('notes', 'must be an array of { name, text }');
  const v2 = notes
    .filter((n) => n.text.startsWith(ORIGIN_PREFIX_V2))
    .map((n) => ({ name: n.name, cp: parseCheckpointV2(n.text) }))
    .sort((a, b) => a.cp.size - b.cp.size);
  const pairs: { from: string; to: string; m: number; n: number }[] = [];
  if (v2.length < 2) return { consistent: true, pairs };
  let tree: TreeFile;
  try {
    tree = TreeFile.openForReader(dir, v2[v2.length - 1]!.cp.size);
  } catch (err) {
    if (err instanceof AuditLogCorruptError)
      return { consistent: false, note: v2[v2.length - 1]!.name, later: '-', detail: err.message };
    throw err;
  }
  try {
    for (let i = 0; i + 1 < v2.length; i++) {
      const a = v2[i]!;
      const b = v2[i + 1]!;
      const proof = tree.consistencyProof(a.cp.size, b.cp.size);
      if (!verifyConsistency(sha256Bytes, a.cp.size, b.cp.size, a.cp.root, b.cp.root, proof))
        return {
          consistent: false,
          note: a.name,
          later: b.name,
          detail: `${a.name} (size ${a.cp.size}) is not consistent with ${b.name} (size ${b.cp.size}): the consistency proof from the log's tree does not lead from its root to the later one`,
        };
      pairs.push({ from: a.name, to: b.name, m: a.cp.size, n: b.cp.size });
    }
  } finally {
    tree.close();
  }
  return { consistent: true, pairs };
}
