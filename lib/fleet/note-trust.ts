// Checkpoint notes on vram.checkpoint.<service>, trusted only after their signature verified
// (SPEC §7): every note is checked, not just the newest; a note that does not verify is counted
// (with the stream sequence of the first) and otherwise ignored. trustCheckpointNote is the one
// place a note becomes trusted, so other note versions (SPEC §8) plug in there.
import type { NatsConnection } from '@nats-io/transport-node';
import {
  checkpointSignatureProblem,
  parseCheckpointNote,
  webCryptoEd25519,
  type NotePublicKey,
} from '../audit/format/checkpoint-note.js';
import { ORIGIN_PREFIX_V2, verifyCheckpointV2 } from '../audit/tlog/checkpoint.js';
import { encodeBase64 } from '../wasm/base64.js';
import { assertString } from '../formats/args.js';
import { nodeSealingCrypto, nodeVerifyEd25519 } from '../audit/write/node-crypto.js';
import { subjectMessages } from './stream-records.js';
import { checkpointSubject } from './subjects.js';

/** A note whose signature verified: what it claims may be used. */
export interface TrustedCheckpoint {
  size: number;
  /** v1 (SPEC §6): hex hash of the record at seq size − 1; null for v2. */
  hash: string | null;
  /** v2 (SPEC §8): standard base64 of the Merkle root over the records' hashes 0 … size − 1; null for v1. */
  root: string | null;
  signer: string;
  streamSeq: number;
  /** Trusted witnesses whose cosignature verified (v2). */
  cosigners: string[];
  /** The note verbatim (v2: a proof carries it). */
  text?: string;
}

/** Witnesses a verifier trusts, and how many must have cosigned a v2 note for it to be trusted. */
export interface WitnessTrust {
  keys: NotePublicKey[];
  quorum: number;
}

/** A note either trusted (its signature verified) or not, with the reason. */
export type NoteVerdict = { trusted: TrustedCheckpoint } | { problem: string };

/**
 * Whether a note is a checkpoint of `service` signed by `key`: the only way a note becomes trusted.
 * Without a key nothing is trusted.
 */
export async function trustCheckpointNote(
  text: string,
  service: string,
  key: NotePublicKey | null,
  streamSeq: number,
  witnesses: WitnessTrust | null = null,
): Promise<NoteVerdict> {
  assertString(text, 'note');
  if (!key) return { problem: 'no public key given (--pubkey): its signature cannot be checked' };
  if (text.startsWith(ORIGIN_PREFIX_V2)) return trustV2(text, service, key, streamSeq, witnesses);
  let note: ReturnType<typeof parseCheckpointNote>;
  try {
    note = parseCheckpointNote(text);
  } catch (err) {
    return { problem: (err as Error).message };
  }
  if (note.service !== service)
    return { problem: `it is a checkpoint of "${note.service.slice(0, 80)}", not of "${service}"` };
  if (note.size < 1) return { problem: 'its size is 0 (it covers no record)' };
  const problem = await checkpointSignatureProblem(note, key, nodeSealingCrypto.sha256, webCryptoEd25519);
  if (problem) return { problem };
  const signer = key.name ?? note.signatures[0]!.name;
  return { trusted: { size: note.size, hash: note.hash, root: null, signer, streamSeq, cosigners: [] } };
}

/** A v2 note (SPEC §8): the log's signature, and the trusted witnesses' cosignatures against the quorum. */
async function trustV2(
  text: string,
  service: string,
  key: NotePublicKey,
  streamSeq: number,
  witnesses: WitnessTrust | null,
): Promise<NoteVerdict> {
  const verdict = await verifyCheckpointV2(text, {
    logKey: key,
    service,
    witnesses: witnesses?.keys ?? [],
    quorum: witnesses?.quorum ?? 0,
    sha256: nodeSealingCrypto.sha256,
    verifyEd25519: nodeVerifyEd25519,
  });
  if (!verdict.ok) return { problem: verdict.detail };
  const cp = verdict.checkpoint;
  if (cp.size < 1) return { problem: 'its size is 0 (it covers no record)' };
  return {
    trusted: {
      size: cp.size,
      hash: null,
      root: encodeBase64(cp.root),
      signer: verdict.signer,
      streamSeq,
      cosigners: verdict.cosigners.map((c) => c.name),
      text,
    },
  };
}

export interface ServiceNotes {
  trusted: TrustedCheckpoint[];
  /** Notes whose signature did not verify: reported, never used. */
  unverified: { count: number; firstStreamSeq: number | null; firstReason: string | null };
}

/** Every note on the service's checkpoint subject, each checked on its own. */
export async function readServiceNotes(
  nc: NatsConnection,
  stream: string,
  service: string,
  count: number,
  key: NotePublicKey | null,
  witnesses: WitnessTrust | null = null,
): Promise<ServiceNotes> {
  const out: ServiceNotes = { trusted: [], unverified: { count: 0, firstStreamSeq: null, firstReason: null } };
  for await (const m of subjectMessages(nc, stream, checkpointSubject(service), count)) {
    const v = await trustCheckpointNote(Buffer.from(m.data).toString('utf8'), service, key, m.streamSeq, witnesses);
    if ('trusted' in v) out.trusted.push(v.trusted);
    else {
      out.unverified.count++;
      out.unverified.firstStreamSeq ??= m.streamSeq;
      out.unverified.firstReason ??= v.problem;
    }
  }
  return out;
}
