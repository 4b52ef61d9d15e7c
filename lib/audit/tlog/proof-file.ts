// SPEC §8 inclusion proofs as C2SP tlog-proof@v1 files (`.tlog-proof`): the record's line in
// `extra`, its seq as `index`, the audit path, then the v2 checkpoint with its signature lines.
// Verified offline in SPEC §8's order: checkpoint origin and log signature, witness cosignatures
// against the quorum, the record in `extra` (a valid §4 record of the origin's service, hash
// recomputing, seq = index), then the path to the checkpoint's root. Browser-safe.
import { decodeBase64, encodeBase64 } from '../../wasm/base64.js';
import { strictJsonProblem } from '../../formats/strict-json.js';
import type { AuditRecord } from '../format/events.js';
import { recordHashInput } from '../format/record-canonical.js';
import { STD_BASE64, type Sha256 } from '../format/checkpoint-note.js';
import { recordShapeProblem } from '../verify/chain-verifier.js';
import {
  type CheckpointTrust,
  type CheckpointV2,
  type CheckpointVerdictBad,
  verifyCheckpointV2,
} from './checkpoint.js';
import { leafHash, verifyInclusion } from './tree.js';
import { assertString } from '../../formats/args.js';
import { InvalidArgumentError } from '../../errors.js';

export const PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** A proof file is small (a record of ≤ 64 KiB, ≤ 63 hashes, a note): anything larger is refused unread. */
export const MAX_PROOF_BYTES = 256 * 1024;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** The parts of a tlog-proof file. */
export interface RecordProof {
  /** The record's line as stored (without LF), or null when the file has no `extra` line. */
  extra: Uint8Array | null;
  index: number;
  path: Uint8Array[];
  /** The checkpoint note verbatim (text and signature lines). */
  checkpoint: string;
}

/** Why a proof fails, in SPEC §8's order. */
export type RecordProofFailure =
  | 'malformed'
  | CheckpointVerdictBad['reason']
  | 'no record'
  | 'record invalid'
  | 'record hash mismatch'
  | 'service mismatch'
  | 'index mismatch'
  | 'inclusion proof invalid';

/** The outcome of verifying a `.tlog-proof` (`verifyRecordProof`). */
export type RecordProofVerdict =
  | {
      ok: true;
      record: AuditRecord;
      checkpoint: CheckpointV2;
      signer: string;
      cosigners: { name: string; time: number }[];
    }
  | { ok: false; reason: RecordProofFailure; detail: string };

/** Trust and crypto for proof verification: the checkpoint trust plus hex SHA-256 of text (record hashes). */
export interface RecordProofTrust extends Omit<CheckpointTrust, 'service'> {
  /** Hex SHA-256 of a string's UTF-8 (the record's hash). */
  sha256Hex: (text: string) => string;
}

/** The text of a tlog-proof@v1 file. */
export function formatRecordProof(p: RecordProof): string {
  const extra = p.extra ? `extra ${encodeBase64(p.extra)}\n` : '';
  const path = p.path.map((h) => `${encodeBase64(h)}\n`).join('');
  return `${PROOF_HEADER}\n${extra}index ${p.index}\n${path}\n${p.checkpoint}`;
}

/** Parse a tlog-proof@v1 file; throws an Error saying what is malformed. */
export function parseRecordProof(text: string): RecordProof {
  assertString(text, 'proof');
  const split = text.indexOf('\n\n');
  if (split < 0) throw new InvalidArgumentError('proof', 'no empty line between the proof and its checkpoint');
  const lines = text.slice(0, split).split('\n');
  if (lines[0] !== PROOF_HEADER) throw new InvalidArgumentError('proof', `the first line is not ${PROOF_HEADER}`);
  let i = 1;
  let extra: Uint8Array | null = null;
  if (lines[i]?.startsWith('extra ')) {
    const b64 = lines[i]!.slice(6);
    if (!STD_BASE64.test(b64)) throw new InvalidArgumentError('proof', 'the extra line is not standard base64');
    extra = decodeBase64(b64);
    i++;
  }
  const m = /^index (0|[1-9][0-9]{0,15})$/.exec(lines[i] ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw new InvalidArgumentError('proof', 'no "index <n>" line');
  const path = lines.slice(i + 1).map((h, k) => {
    if (h.length !== 44 || !STD_BASE64.test(h))
      throw new InvalidArgumentError('proof', `audit path line ${k + 1} is not base64 of 32 bytes`);
    return decodeBase64(h);
  });
  if (path.length > 63) throw new InvalidArgumentError('proof', `the audit path has ${path.length} hashes; at most 63`);
  return { extra, index: Number(m[1]), path, checkpoint: text.slice(split + 2) };
}

/**
 * Verify a tlog-proof@v1 file's text offline (SPEC §8). Never throws for a bad proof: the verdict
 * names the first failing step and, on success, carries the record it proves.
 */
export async function verifyRecordProofText(text: string, trust: RecordProofTrust): Promise<RecordProofVerdict> {
  if (text.length > MAX_PROOF_BYTES)
    return { ok: false, reason: 'malformed', detail: `the proof is over ${MAX_PROOF_BYTES} bytes` };
  let proof: RecordProof;
  try {
    proof = parseRecordProof(text);
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: `the proof is malformed: ${(err as Error).message}` };
  }
  const verdict = await verifyCheckpointV2(proof.checkpoint, trust);
  if (!verdict.ok) return verdict;
  const cp = verdict.checkpoint;
  const checked = checkExtra(proof, cp, trust.sha256Hex);
  if ('reason' in checked) return { ok: false, ...checked };
  const record = checked.record;
  const leaf = leafHash(trust.sha256, hexToBytes(record.hash));
  if (!verifyInclusion(trust.sha256, leaf, proof.index, cp.size, proof.path, cp.root))
    return {
      ok: false,
      reason: 'inclusion proof invalid',
      detail: `the audit path does not lead from record ${proof.index} to the root of the checkpoint of size ${cp.size}`,
    };
  return { ok: true, record, checkpoint: cp, signer: verdict.signer, cosigners: verdict.cosigners };
}

/** The record in `extra`: present, a valid §4 record of the origin's service, hash recomputing, seq = index. */
function checkExtra(
  proof: RecordProof,
  cp: CheckpointV2,
  sha256Hex: (text: string) => string,
): { record: AuditRecord } | { reason: RecordProofFailure; detail: string } {
  if (!proof.extra) return { reason: 'no record', detail: 'the proof has no extra line: SPEC §8 requires the record' };
  let rec: unknown;
  try {
    const line = utf8Decoder.decode(proof.extra);
    rec = JSON.parse(line);
    const strict = strictJsonProblem(line);
    if (strict) return { reason: 'record invalid', detail: `the record in extra: ${strict}` };
  } catch {
    return { reason: 'record invalid', detail: 'the record in extra is not UTF-8 JSON' };
  }
  const shape = recordShapeProblem(rec);
  if (shape) return { reason: 'record invalid', detail: `the record in extra: ${shape}` };
  const r = rec as AuditRecord;
  const { hash, v: _v, ...fields } = r;
  if (sha256Hex(recordHashInput(fields)) !== hash)
    return {
      reason: 'record hash mismatch',
      detail: `the record in extra (seq ${r.seq}): its hash does not recompute`,
    };
  if (r.service !== cp.service)
    return {
      reason: 'service mismatch',
      detail: `the record is of service ${r.service}; the checkpoint is ${cp.origin}`,
    };
  if (r.seq !== proof.index)
    return { reason: 'index mismatch', detail: `the record has seq ${r.seq} but the proof's index is ${proof.index}` };
  if (proof.index >= cp.size)
    return { reason: 'index mismatch', detail: `index ${proof.index} is not below the checkpoint's size ${cp.size}` };
  return { record: r };
}

/** Hex → bytes (the record's `hash`, already checked to be 64 hex). */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** UTF-8 bytes of a record line (for `extra`). */
export function lineBytes(line: string): Uint8Array {
  return utf8.encode(line);
}

export type { Sha256 };
