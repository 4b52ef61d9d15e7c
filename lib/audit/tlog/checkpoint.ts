// SPEC §8 v2 checkpoints (C2SP tlog-checkpoint): origin `vram-residency.audit.v2/<service>`, size,
// base64 Merkle root, signed as a C2SP note by the log's Ed25519 key, optionally with witness
// cosignatures (C2SP tlog-cosignature, `cosignature/v1`). Parsing shares the note parser of v1
// (format/checkpoint-note.ts); signing takes an injected signer so keys stay wherever the caller
// keeps them. Browser-safe.
import { InvalidArgumentError, KeyError } from '../../errors.js';
import { assertObject, assertString } from '../../formats/args.js';
import { decodeBase64, encodeBase64 } from '../../wasm/base64.js';
import {
  type CheckpointSignature,
  type NotePublicKey,
  parseNotePublicKey,
  parseSignedNote,
  STD_BASE64,
  type Sha256,
  type VerifyEd25519,
  webCryptoEd25519,
} from '../format/checkpoint-note.js';

export const ORIGIN_PREFIX_V2 = 'vram-residency.audit.v2/';
const SERVICE = /^[A-Za-z0-9._:-]{1,128}$/;
const utf8 = new TextEncoder();

/** A parsed v2 checkpoint. */
export interface CheckpointV2 {
  /** The signed text (three lines, each ending in LF). */
  body: string;
  origin: string;
  service: string;
  size: number;
  root: Uint8Array;
  signatures: CheckpointSignature[];
}

/** Signs note text as one signature line's owner (Ed25519, synchronous). */
export interface NoteSigner {
  /** The key name written in the signature line. */
  name: string;
  /** The 4-byte key ID (see {@link noteKeyIdOf}). */
  keyId: Uint8Array;
  /** Ed25519 signature (64 bytes) over the message. */
  sign(message: Uint8Array): Uint8Array;
}

/** What a successful checkpoint verification found. */
export interface CheckpointVerdictOk {
  ok: true;
  checkpoint: CheckpointV2;
  /** The log key's name as read from its signature line. */
  signer: string;
  /** Trusted witnesses whose cosignature verified, with their cosigning time (POSIX seconds). */
  cosigners: { name: string; time: number }[];
}

/** Why a checkpoint does not verify. */
export interface CheckpointVerdictBad {
  ok: false;
  reason: 'malformed' | 'wrong origin' | 'log signature invalid' | 'cosignature invalid' | 'quorum not met';
  detail: string;
}

export type CheckpointVerdict = CheckpointVerdictOk | CheckpointVerdictBad;

/** Trust for {@link verifyCheckpointV2}. */
export interface CheckpointTrust {
  /** The log's Ed25519 key. */
  logKey: NotePublicKey;
  /** Trusted witnesses' Ed25519 keys (see {@link parseWitnessKey}). */
  witnesses?: NotePublicKey[];
  /** How many trusted witnesses must have cosigned (default: all of `witnesses`). */
  quorum?: number;
  /** The service the origin must name (default: any). */
  service?: string;
  sha256: Sha256;
  verifyEd25519?: VerifyEd25519;
}

/** The three-line signed text of a v2 checkpoint. */
export function checkpointV2Text(service: string, size: number, root: Uint8Array): string {
  return `${ORIGIN_PREFIX_V2}${service}\n${size}\n${encodeBase64(root)}\n`;
}

/** C2SP key ID: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key); type 0x01 signs notes, 0x04 cosigns. */
export function noteKeyIdOf(sha256: Sha256, name: string, type: 0x01 | 0x04, publicKey: Uint8Array): Uint8Array {
  const n = utf8.encode(name);
  const input = new Uint8Array(n.length + 2 + publicKey.length);
  input.set(n, 0);
  input[n.length] = 0x0a;
  input[n.length + 1] = type;
  input.set(publicKey, n.length + 2);
  return sha256(input).subarray(0, 4);
}

/** A signed note: the text, an empty line, one signature line per signer. */
export function signNote(body: string, signers: NoteSigner[]): string {
  const message = utf8.encode(body);
  const lines = signers.map((s) => signatureLine(s.name, concat(s.keyId, s.sign(message))));
  return `${body}\n${lines.join('')}`;
}

/** `— <name> <base64(blob)>` LF. */
export function signatureLine(name: string, blob: Uint8Array): string {
  return `\u2014 ${name} ${encodeBase64(blob)}\n`;
}

/** Adds signature lines (e.g. cosignatures a witness returned) to a signed note, skipping ones it has. */
export function addSignatureLines(note: string, lines: string[]): string {
  let out = note;
  for (const line of lines) {
    const l = line.endsWith('\n') ? line : `${line}\n`;
    if (!out.split('\n').includes(l.slice(0, -1))) out += l;
  }
  return out;
}

/** The message a `cosignature/v1` signs: `cosignature/v1` LF `time <t>` LF, then the checkpoint text. */
export function cosignatureMessage(body: string, time: number): Uint8Array {
  return utf8.encode(`cosignature/v1\ntime ${time}\n${body}`);
}

/** A witness's cosignature line over `body` at `time`, signed by `sign` (Ed25519). */
export function cosignatureLine(
  sha256: Sha256,
  name: string,
  publicKey: Uint8Array,
  time: number,
  body: string,
  sign: (message: Uint8Array) => Uint8Array,
): string {
  const t = new Uint8Array(8);
  new DataView(t.buffer).setBigUint64(0, BigInt(time));
  const keyId = noteKeyIdOf(sha256, name, 0x04, publicKey);
  return signatureLine(name, concat(keyId, t, sign(cosignatureMessage(body, time))));
}

/** Parse a v2 checkpoint note (any signature lines); throws an Error saying what is malformed. */
export function parseCheckpointV2(text: string): CheckpointV2 {
  assertString(text, 'note');
  const { body, lines, signatures } = parseSignedNote(text);
  if (lines.length !== 3)
    throw new InvalidArgumentError('note', `the note text has ${lines.length} lines; a checkpoint has 3`);
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!origin.startsWith(ORIGIN_PREFIX_V2))
    throw new InvalidArgumentError('note', `the origin line must start with ${ORIGIN_PREFIX_V2}`);
  const service = origin.slice(ORIGIN_PREFIX_V2.length);
  if (!SERVICE.test(service)) throw new InvalidArgumentError('note', 'the origin names no valid service');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new InvalidArgumentError('note', 'the size line is not a decimal integer');
  if (!STD_BASE64.test(rootText) || rootText.length !== 44)
    throw new InvalidArgumentError('note', 'the root line is not standard base64 of 32 bytes');
  return { body, origin, service, size: Number(sizeText), root: decodeBase64(rootText), signatures };
}

/**
 * A witness public key: SPKI PEM (Ed25519; the name is read from each cosignature line), or a C2SP
 * verifier key `<name>+<key ID>+<base64(0x04 ‖ key)>` (or 0x01, as some tools write). E_KEY otherwise.
 */
export function parseWitnessKey(text: string, sha256: Sha256, argument = 'witnessKey'): NotePublicKey {
  assertString(text, argument);
  if (typeof sha256 !== 'function') throw new InvalidArgumentError('sha256', 'must be a SHA-256 function');
  const vkey = /^([^\s+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (vkey && STD_BASE64.test(vkey[3]!)) {
    const blob = decodeBase64(vkey[3]!);
    if (blob.length !== 33 || (blob[0] !== 0x04 && blob[0] !== 0x01))
      throw new KeyError(argument, 'the verifier key is not an Ed25519 key (type 0x04 or 0x01, 32 bytes)');
    const raw = blob.slice(1);
    const id = noteKeyIdOf(sha256, vkey[1]!, blob[0] as 0x01 | 0x04, raw);
    if (hex(id) !== vkey[2]) throw new KeyError(argument, "the verifier key's key ID does not match its name and key");
    return { name: vkey[1]!, raw };
  }
  return parseNotePublicKey(text, sha256, argument);
}

/**
 * Verify a v2 checkpoint as SPEC §8 says: a signature line by the log key verifies (and none by it
 * fails), every cosignature line by a trusted witness verifies, and at least `quorum` trusted
 * witnesses cosigned. Never throws for a bad note.
 */
export async function verifyCheckpointV2(noteText: string, trust: CheckpointTrust): Promise<CheckpointVerdict> {
  assertObject(trust, 'trust');
  if (typeof trust.sha256 !== 'function') throw new InvalidArgumentError('trust.sha256', 'must be a SHA-256 function');
  if (trust.logKey === null || typeof trust.logKey !== 'object' || !(trust.logKey.raw instanceof Uint8Array))
    throw new InvalidArgumentError('trust.logKey', 'must be a parsed public key (parseNotePublicKey)');
  let cp: CheckpointV2;
  try {
    cp = parseCheckpointV2(noteText);
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: `the checkpoint is malformed: ${(err as Error).message}` };
  }
  if (trust.service !== undefined && cp.service !== trust.service)
    return {
      ok: false,
      reason: 'wrong origin',
      detail: `the checkpoint's origin is ${cp.origin}, not the log of ${trust.service}`,
    };
  const verify = trust.verifyEd25519 ?? webCryptoEd25519;
  const message = utf8.encode(cp.body);
  const byLog = linesByKey(cp, trust.logKey, 0x01, trust.sha256);
  if (byLog.length === 0)
    return {
      ok: false,
      reason: 'log signature invalid',
      detail: `no signature line is by the log's key (signers: ${cp.signatures.map((s) => s.name).join(', ') || 'none'})`,
    };
  for (const s of byLog) {
    if (s.signature.length !== 64 || !(await verify(trust.logKey.raw, message, s.signature)))
      return {
        ok: false,
        reason: 'log signature invalid',
        detail: `the signature by ${s.name} does not verify over the checkpoint`,
      };
  }
  const witnesses = trust.witnesses ?? [];
  const quorum = trust.quorum ?? witnesses.length;
  const cosigners: CheckpointVerdictOk['cosigners'] = [];
  for (const w of witnesses) {
    let good: { name: string; time: number } | null = null;
    for (const s of linesByKey(cp, w, 0x04, trust.sha256)) {
      const cosig = cosignatureOf(s);
      if (!cosig || !(await verify(w.raw, cosignatureMessage(cp.body, cosig.time), cosig.sig)))
        return { ok: false, reason: 'cosignature invalid', detail: `the cosignature by ${s.name} does not verify` };
      good = { name: s.name, time: cosig.time };
    }
    if (good) cosigners.push(good);
  }
  if (cosigners.length < quorum)
    return {
      ok: false,
      reason: 'quorum not met',
      detail: `${cosigners.length} of the ${witnesses.length} trusted witnesses cosigned; the quorum is ${quorum}`,
    };
  return { ok: true, checkpoint: cp, signer: byLog[0]!.name, cosigners };
}

/** The signature lines whose key ID matches `key` under the line's own name (and the key's name, when it has one). */
function linesByKey(cp: CheckpointV2, key: NotePublicKey, type: 0x01 | 0x04, sha256: Sha256): CheckpointSignature[] {
  return cp.signatures.filter(
    (s) =>
      (key.name === null || s.name === key.name) &&
      !s.name.includes('+') &&
      equal4(noteKeyIdOf(sha256, s.name, type, key.raw), s.keyId),
  );
}

function cosignatureOf(s: CheckpointSignature): { time: number; sig: Uint8Array } | null {
  if (s.signature.length !== 72) return null;
  const t = new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0);
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { time: Number(t), sig: s.signature.subarray(8) };
}

function equal4(a: Uint8Array, b: Uint8Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
