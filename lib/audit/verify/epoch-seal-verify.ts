// SPEC §4 + §6 verification from any source of record lines (a directory, a JetStream subject,
// files dropped on a page): the chain, then with a verification key the epoch seals, with a
// checkpoint and its public key the signed head. Browser-safe: all crypto is injected.
import { InvalidArgumentError } from '../../errors.js';
import {
  verifyRecordLines,
  type AuditVerifyError,
  type ChainVerifyResult,
  type RecordCheck,
  type VerifyItems,
} from './chain-verifier.js';
import { type CheckpointCheck, checkpointCheck, type CheckpointReport } from './checkpoint-check.js';
import { ORIGIN_PREFIX_V2, parseWitnessKey, verifyCheckpointV2 } from '../tlog/checkpoint.js';
import { checkpointV2Check } from '../tlog/checkpoint-v2-check.js';
import {
  checkpointSignatureProblem,
  parseCheckpointNote,
  type NotePublicKey,
  parseNotePublicKey,
  webCryptoEd25519,
  type Sha256,
  type VerifyEd25519,
} from '../format/checkpoint-note.js';
import type { HmacSha256 } from '../format/epochs.js';
import { epochSealCheck, type SealingReport } from './epoch-seal-check.js';
import { parseVerificationKey, type VerificationKey } from '../format/verification-key.js';
import { plural } from '../../formats/plural.js';

export interface SealingCrypto {
  /** Hex SHA-256 of a string's UTF-8 (record hashes). */
  sha256Hex: (text: string) => string;
  sha256: Sha256;
  hmacSha256: HmacSha256;
  /** Defaults to Web Crypto. */
  verifyEd25519?: VerifyEd25519;
}

export interface SealedVerifyOptions {
  /** SPEC §6 verification key: its JSON text, the parsed object, or a VerificationKey. */
  verificationKey?: string | object | VerificationKey;
  /**
   * A checkpoint note's text, optionally with a name for messages (e.g. its file name), or several:
   * v1 (SPEC §6, the head) or v2 (SPEC §8, the tree root, with witness cosignatures).
   */
  checkpoint?: string | { name: string; text: string } | (string | { name: string; text: string })[];
  /** Trusted witnesses' public keys (SPKI PEM or C2SP verifier keys) for v2 notes. */
  witnessKeys?: string[];
  /** How many trusted witnesses must have cosigned each v2 note (default: all of witnessKeys). */
  quorum?: number;
  /** The checkpoint signer's Ed25519 public key: SPKI PEM or a C2SP verifier key. */
  publicKey?: string;
  /** The verifier's clock (ms since the Unix epoch) for staleness; defaults to now. */
  now?: number;
  /** A (seq, hash) pair known from elsewhere: the log must contain it. */
  anchor?: { seq: number; hash: string };
}

export interface SealedVerifyResult extends ChainVerifyResult {
  sealing?: SealingReport;
  checkpoint?: CheckpointReport;
  /** Every checkpoint given, in the order given. */
  checkpointReports?: CheckpointReport[];
  /** What this run could not detect, in plain words (keys not given, unsealed tail, staleness). */
  limits: string[];
}

/** The checks the options ask for, or the failure that stops verification before any line is read. */
export async function prepareSealedChecks(opts: SealedVerifyOptions, crypto: SealingCrypto) {
  const checks: RecordCheck[] = [];
  const seals =
    opts.verificationKey === undefined
      ? null
      : epochSealCheck(parseVerificationKey(opts.verificationKey), crypto.hmacSha256, opts.now ?? Date.now());
  if (seals) checks.push(seals);
  if ((opts.checkpoint === undefined) !== (opts.publicKey === undefined)) {
    throw new InvalidArgumentError(
      opts.checkpoint === undefined ? 'publicKey' : 'checkpoint',
      'a checkpoint is checked only together with the public key that signed it: give both',
    );
  }
  const checkpoints: CheckpointCheck[] = [];
  let preFailure: AuditVerifyError | null = null;
  if (opts.checkpoint !== undefined && opts.publicKey !== undefined) {
    const key = parseNotePublicKey(opts.publicKey, crypto.sha256);
    const notes = Array.isArray(opts.checkpoint) ? opts.checkpoint : [opts.checkpoint];
    for (const [i, entry] of notes.entries()) {
      const { name, text } = typeof entry === 'string' ? { name: `checkpoint ${i + 1}`, text: entry } : entry;
      const prepared = await prepareCheckpoint(name, text, key, opts, crypto);
      if ('file' in prepared) {
        preFailure = prepared;
        break;
      }
      checkpoints.push(prepared);
      checks.push(prepared);
    }
  }
  return { checks, preFailure, seals, checkpoint: checkpoints[0] ?? null, checkpoints };
}

/** One note: v2 (SPEC §8: signature, cosignatures, then the tree root) or v1 (SPEC §6: signature, then the head). */
async function prepareCheckpoint(
  name: string,
  text: string,
  key: NotePublicKey,
  opts: SealedVerifyOptions,
  crypto: SealingCrypto,
): Promise<CheckpointCheck | AuditVerifyError> {
  const bad = (detail: string): AuditVerifyError => ({
    file: name,
    line: 0,
    reason: 'checkpoint signature invalid',
    detail,
  });
  if (text.startsWith(ORIGIN_PREFIX_V2)) {
    const witnesses = (opts.witnessKeys ?? []).map((w, i) => parseWitnessKey(w, crypto.sha256, `witnessKeys[${i}]`));
    const v = await verifyCheckpointV2(text, {
      logKey: key,
      witnesses,
      quorum: opts.quorum,
      sha256: crypto.sha256,
      verifyEd25519: crypto.verifyEd25519,
    });
    return v.ok ? checkpointV2Check(v.checkpoint, name, v.signer, crypto.sha256) : bad(`${v.reason}: ${v.detail}`);
  }
  let problem: string | null;
  let note: ReturnType<typeof parseCheckpointNote> | null = null;
  try {
    note = parseCheckpointNote(text);
    problem = await checkpointSignatureProblem(note, key, crypto.sha256, crypto.verifyEd25519 ?? webCryptoEd25519);
  } catch (err) {
    problem = `the note is malformed: ${(err as Error).message}`;
  }
  if (problem || !note) return bad(problem ?? 'unreadable');
  return checkpointCheck(note, name, key.name ?? note.signatures[0]!.name);
}

/** Verify any source of record lines against the chain rules and the given keys. */
export async function verifySealedRecordLines(
  items: VerifyItems,
  opts: SealedVerifyOptions & { rescan?: () => VerifyItems },
  crypto: SealingCrypto,
): Promise<SealedVerifyResult> {
  const prepared = await prepareSealedChecks(opts, crypto);
  if (prepared.preFailure)
    return {
      intact: false,
      records: 0,
      head: null,
      firstError: prepared.preFailure,
      limits: limitsOf(opts, undefined),
    };
  const result = await verifyRecordLines(items, {
    sha256Hex: crypto.sha256Hex,
    anchor: opts.anchor,
    checks: prepared.checks,
    rescan: opts.rescan,
  });
  const sealing = prepared.seals?.report();
  return {
    ...result,
    ...(sealing ? { sealing } : {}),
    ...(prepared.checkpoint ? { checkpoint: prepared.checkpoint.report() } : {}),
    ...(prepared.checkpoints.length > 0 ? { checkpointReports: prepared.checkpoints.map((c) => c.report()) } : {}),
    limits: limitsOf(opts, sealing),
  };
}

function limitsOf(opts: SealedVerifyOptions, sealing: SealingReport | undefined): string[] {
  const out: string[] = [];
  if (opts.verificationKey === undefined) {
    out.push(
      'no verification key: the chain is checked on its own, so anyone who can write the log directory could have rewritten it from seq 0 undetected (give --vkey)',
    );
  }
  if (opts.checkpoint === undefined && opts.anchor === undefined) {
    out.push(
      'no checkpoint or anchor: records removed from the end of the log are not detected (give --checkpoint with --pubkey)',
    );
  }
  if (sealing && sealing.unsealedTail > 0)
    out.push(
      `the last ${plural(sealing.unsealedTail, 'record')} ${sealing.unsealedTail === 1 ? 'is' : 'are'} in an epoch not sealed yet: until it is, only the chain covers them`,
    );
  if (sealing?.stale) {
    out.push(
      `stale: the last seal (epoch ${sealing.lastSealedEpoch ?? 'none'}) is ${sealing.currentEpoch - (sealing.lastSealedEpoch ?? -1)} epochs behind the clock: the writer stopped, or the log's end was cut (a checkpoint kept elsewhere tells)`,
    );
  }
  return out;
}
