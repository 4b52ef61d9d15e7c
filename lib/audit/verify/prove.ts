// proveRecord: a SPEC §8 inclusion proof (C2SP tlog-proof@v1) for one record of a log directory,
// against the newest v2 checkpoint in DIR/checkpoints (or the one of a given size). Reads the
// O(log n) hashes it needs from the tree file and the one line it proves (found by bisecting its
// segment), so it answers fast on a log of any size; what the tree file lacks (a writer that
// crashed and was not reopened) is recomputed from the segments.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogCorruptError, InvalidArgumentError } from '../../errors.js';
import { CHECKPOINT_DIR } from '../write/checkpoint-writer.js';
import { findRecordLine, lineHash } from '../write/segment-scan.js';
import { leafOfHex, TreeFile } from '../write/tree-file.js';
import { type CheckpointV2, ORIGIN_PREFIX_V2, parseCheckpointV2 } from '../tlog/checkpoint.js';
import { formatRecordProof } from '../tlog/proof-file.js';
import { constantTimeEqual } from '../../formats/constant-time.js';
import { assertObject, assertString } from '../../formats/args.js';

/** Which record, against which checkpoint. */
export interface ProveRecordOptions {
  /** The record's seq. */
  seq: number;
  /** The size of the v2 checkpoint to prove against (default: the newest). */
  size?: number;
}

/** A proof and what it proves. */
export interface RecordProofResult {
  /** The `.tlog-proof` file's text. */
  text: string;
  seq: number;
  /** The checkpoint's size. */
  size: number;
  /** The checkpoint note's file name in DIR/checkpoints. */
  checkpoint: string;
}

const NOTE = /^(\d{12})\.note$/;

interface V2Note {
  size: number;
  file: string;
  text: string;
  cp: CheckpointV2;
}

/**
 * The v2 note of `size` in DIR/checkpoints, or the newest v2 note when `size` is undefined (v1
 * notes and unreadable files are passed over). Reads only the notes it needs: a long-running log
 * has one per checkpoint interval.
 */
export function v2Checkpoint(dir: string, size?: number): V2Note | null {
  let names: string[];
  try {
    names = readdirSync(join(dir, CHECKPOINT_DIR));
  } catch {
    return null;
  }
  const files = names.filter((n) => NOTE.test(n) && (size === undefined || Number(NOTE.exec(n)![1]) === size));
  for (const file of files.sort().reverse()) {
    const text = readFileSync(join(dir, CHECKPOINT_DIR, file), 'utf8');
    if (!text.startsWith(ORIGIN_PREFIX_V2)) continue;
    try {
      return { size: Number(NOTE.exec(file)![1]), file, text, cp: parseCheckpointV2(text) };
    } catch {
      // not a readable v2 note: never proven against
    }
  }
  return null;
}

/**
 * Write a SPEC §8 inclusion proof for record `seq` of the log in `dir`, with the record's line in
 * `extra` and the checkpoint verbatim. E_INVALID_ARGUMENT when no v2 checkpoint covers the seq;
 * E_AUDIT_CORRUPT when the log's tree does not have the checkpoint's root.
 */
export function proveRecord(dir: string, opts: ProveRecordOptions): RecordProofResult {
  assertString(dir, 'dir');
  assertObject(opts, 'options');
  const { seq } = opts;
  if (!Number.isSafeInteger(seq) || seq < 0) throw new InvalidArgumentError('seq', 'must be an integer ≥ 0');
  const note = v2Checkpoint(dir, opts.size);
  if (!note && opts.size === undefined)
    throw new InvalidArgumentError(
      'dir',
      `${dir} holds no v2 checkpoint (checkpoints/*.note): nothing to prove against`,
    );
  if (!note)
    throw new InvalidArgumentError('size', `there is no v2 checkpoint of size ${opts.size} in ${dir}/checkpoints`);
  if (seq >= note.size)
    throw new InvalidArgumentError('seq', `record ${seq} is not covered by the checkpoint of size ${note.size}`);
  const tree = TreeFile.openForReader(dir, note.size);
  try {
    if (!constantTimeEqual(tree.root(note.size), note.cp.root))
      throw new AuditLogCorruptError(
        `the log in ${dir} does not have the tree root that ${note.file} signed: it was changed after the checkpoint; run audit verify`,
      );
    const line = findRecordLine(dir, seq);
    if (line === null || !constantTimeEqual(leafOfHex(lineHash(line, `record ${seq}`)), tree.source(0, seq)))
      throw new AuditLogCorruptError(
        `record ${seq} of the log in ${dir} is missing or differs from its tree entry; run audit verify`,
      );
    const path = tree.inclusionProof(seq, note.size);
    const text = formatRecordProof({ extra: Buffer.from(line, 'utf8'), index: seq, path, checkpoint: note.text });
    return { text, seq, size: note.size, checkpoint: note.file };
  } finally {
    tree.close();
  }
}
