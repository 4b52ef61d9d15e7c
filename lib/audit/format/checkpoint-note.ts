// SPEC §6 checkpoints: C2SP signed notes over the log head. The body is three lines — origin
// `vram-residency.audit.v1/<service>`, size (last seq + 1), base64 of the head record's raw hash —
// then a blank line and `— <name> <base64(keyID4 ‖ Ed25519 signature)>` lines. Browser-safe:
// SHA-256 is injected and Ed25519 is checked with Web Crypto (Node 20 and current browsers).
import { InvalidArgumentError, KeyError } from '../../errors.js';
import { assertBytes, assertString } from '../../formats/args.js';
import { decodeBase64 } from '../../wasm/base64.js';
import { fromHex, toHex } from '../../formats/hex.js';
import { ownBytes, webSubtle } from '../../formats/web-crypto.js';

export const ORIGIN_PREFIX = 'vram-residency.audit.v1/';
const malformedNote = (why: string) => new InvalidArgumentError('note', why);
const ED25519_SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
export const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_NAME = /^[^\s+]+$/;

/** A synchronous SHA-256 (injected so the verifier core stays browser-safe). */
export type Sha256 = (bytes: Uint8Array) => Uint8Array;
/** An Ed25519 signature check (Web Crypto by default: {@link webCryptoEd25519}). */
export type VerifyEd25519 = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>;

export interface CheckpointSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface CheckpointNote {
  /** The signed text: the three body lines, each ending in LF. */
  body: string;
  service: string;
  size: number;
  /** Hex of the head record's hash (seq = size − 1). */
  hash: string;
  signatures: CheckpointSignature[];
}

/** An Ed25519 public key for notes, with the signer's name when the key format carries it. */
export interface NotePublicKey {
  name: string | null;
  raw: Uint8Array;
}

const utf8 = new TextEncoder();

export function checkpointBody(service: string, size: number, hashHex: string): string {
  return `${ORIGIN_PREFIX}${service}\n${size}\n${base64(fromHex(hashHex))}\n`;
}

/** C2SP key ID: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
export function noteKeyId(sha256: Sha256, name: string, publicKey: Uint8Array): Uint8Array {
  const n = utf8.encode(name);
  const input = new Uint8Array(n.length + 2 + publicKey.length);
  input.set(n, 0);
  input[n.length] = 0x0a;
  input[n.length + 1] = 0x01;
  input.set(publicKey, n.length + 2);
  return sha256(input).subarray(0, 4);
}

/** A C2SP signed note split into its signed text, the text's lines and its signature lines. */
export interface SignedNote {
  /** The signed text, ending in LF. */
  body: string;
  /** The text's lines without their LFs. */
  lines: string[];
  signatures: CheckpointSignature[];
}

/**
 * Parse any C2SP signed note (v1 and v2 checkpoints, cosigned ones too): text, blank line, then
 * `— <name> <base64(keyID4 ‖ signature)>` lines. Throws E_ARG (argument `note`) saying what is malformed.
 */
export function parseSignedNote(text: string): SignedNote {
  assertString(text, 'note');
  const split = text.indexOf('\n\n');
  if (split < 0 || !text.endsWith('\n'))
    throw malformedNote('not a signed note (no blank line before the signatures, or no final LF)');
  const body = text.slice(0, split + 1);
  const signatures: CheckpointSignature[] = [];
  for (const line of text.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || !STD_BASE64.test(m[2]!)) throw malformedNote('a signature line is not "— <name> <base64>"');
    const blob = decodeBase64(m[2]!);
    if (blob.length < 5) throw malformedNote('a signature is too short');
    signatures.push({ name: m[1]!, keyId: blob.subarray(0, 4), signature: blob.subarray(4) });
  }
  return { body, lines: body.slice(0, -1).split('\n'), signatures };
}

/** Parse a SPEC §6 (v1) checkpoint note; throws E_ARG (argument `note`) whose message says what is malformed. */
export function parseCheckpointNote(text: string): CheckpointNote {
  const { body, lines, signatures } = parseSignedNote(text);
  if (lines.length !== 3) throw malformedNote(`the note body has ${lines.length} lines; a checkpoint has 3`);
  const [origin, sizeText, hashText] = lines as [string, string, string];
  if (!origin.startsWith(ORIGIN_PREFIX)) throw malformedNote(`the origin line must start with ${ORIGIN_PREFIX}`);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw malformedNote('the size line is not a decimal integer');
  if (!STD_BASE64.test(hashText) || hashText.length !== 44)
    throw malformedNote('the hash line is not standard base64 of 32 bytes');
  const hash = toHex(decodeBase64(hashText));
  return { body, service: origin.slice(ORIGIN_PREFIX.length), size: Number(sizeText), hash, signatures };
}

/**
 * Parse a checkpoint public key: SPKI PEM (Ed25519), or a C2SP verifier key
 * `<name>+<8 hex key ID>+<base64(0x01 ‖ 32-byte key)>`. E_KEY on anything else.
 */
export function parseNotePublicKey(text: string, sha256: Sha256, argument = 'publicKey'): NotePublicKey {
  assertString(text, argument);
  if (typeof sha256 !== 'function') throw new InvalidArgumentError('sha256', 'must be a SHA-256 function');
  const trimmed = text.trim();
  const pem = /^-----BEGIN PUBLIC KEY-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----$/.exec(trimmed);
  if (pem) {
    const der = decodeBase64(pem[1]!.replace(/\s+/g, ''));
    if (der.length !== 44 || ED25519_SPKI_PREFIX.some((b, i) => der[i] !== b))
      throw new KeyError(argument, 'is not an Ed25519 public key (checkpoints are signed with Ed25519)');
    return { name: null, raw: der.slice(12) };
  }
  const vkey = /^([^\s+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(trimmed);
  if (vkey && STD_BASE64.test(vkey[3]!)) {
    const blob = decodeBase64(vkey[3]!);
    if (blob.length !== 33 || blob[0] !== 0x01)
      throw new KeyError(argument, 'the verifier key is not an Ed25519 key (type 0x01, 32 bytes)');
    const raw = blob.slice(1);
    const id = toHex(noteKeyId(sha256, vkey[1]!, raw));
    if (id !== vkey[2]) throw new KeyError(argument, "the verifier key's key ID does not match its name and key");
    return { name: vkey[1]!, raw };
  }
  throw new KeyError(argument, 'must be an Ed25519 SPKI PEM public key or a C2SP verifier key (name+keyid+base64)');
}

/** Ed25519 through Web Crypto (globalThis.crypto.subtle: Node ≥ 20 and current browsers). */
export const webCryptoEd25519: VerifyEd25519 = async (publicKey, message, signature) => {
  assertBytes(publicKey, 'publicKey');
  assertBytes(message, 'message');
  assertBytes(signature, 'signature');
  if (publicKey.length !== 32) throw new InvalidArgumentError('publicKey', 'must be 32 raw Ed25519 key bytes');
  const subtle = webSubtle();
  const key = await subtle.importKey('raw', ownBytes(publicKey), { name: 'Ed25519' }, false, ['verify']);
  return subtle.verify({ name: 'Ed25519' }, key, ownBytes(signature), ownBytes(message));
};

/** Null when one signature line is by `key` and verifies over the body, else why not. */
export async function checkpointSignatureProblem(
  note: CheckpointNote,
  key: NotePublicKey,
  sha256: Sha256,
  verify: VerifyEd25519 = webCryptoEd25519,
): Promise<string | null> {
  const candidates = note.signatures.filter((s) => (key.name === null || s.name === key.name) && KEY_NAME.test(s.name));
  const mine = candidates.filter((s) => noteKeyId(sha256, s.name, key.raw).every((b, i) => s.keyId[i] === b));
  if (mine.length === 0)
    return `no signature line is by this key (signers: ${note.signatures.map((s) => s.name).join(', ') || 'none'})`;
  for (const s of mine) {
    if (s.signature.length === 64 && (await verify(key.raw, utf8.encode(note.body), s.signature))) return null;
  }
  return `the signature by ${mine[0]!.name} does not verify over the note's text`;
}

function base64(bytes: Uint8Array): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      A[(n >> 18) & 63]! +
      A[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? A[(n >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? A[n & 63]! : '=');
  }
  return out;
}
