// SPEC §3 checking, in SPEC order: shape, key id, MAC, then (where the bytes are at hand) size,
// tree digest, plain SHA-256. Browser-safe: the key is any object that can MAC the fields.
import {
  ContentMismatchError,
  DigestMismatchError,
  MacMismatchError,
  SizeMismatchError,
  WrongKeyError,
} from '../errors.js';
import { toHex } from '../formats/hex.js';
import { type SealRecord, validateSealRecord } from './record.js';

export { toHex };

/** What checking needs of a seal key: its id, and the SPEC §3 MAC over a record's fields. */
export interface SealMacKey {
  readonly kid: string;
  mac(record: Omit<SealRecord, 'format' | 'mac'>): string;
}

/** Compares two equal-length texts without an early exit, so timing does not reveal where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i % (b.length || 1));
  return diff === 0;
}

/** Shape, kid and MAC. Returns the typed record; throws the first SPEC §3 failure. */
export function checkSealRecord(input: unknown, key: SealMacKey): SealRecord {
  const record = validateSealRecord(input);
  if (record.kid !== key.kid) {
    throw new WrongKeyError(`the record was sealed under key ${record.kid}, the token given derives key ${key.kid}`);
  }
  if (!constantTimeEqual(key.mac(record), record.mac)) {
    throw new MacMismatchError('the record was altered after sealing, or was not sealed with this key');
  }
  return record;
}

export function checkSealedSize(record: SealRecord, actualSize: number): void {
  if (actualSize !== record.size) {
    throw new SizeMismatchError(`the seal covers ${record.size} bytes, the data has ${actualSize}`);
  }
}

/** Digest (and plain SHA-256 when the record has one): the bytes are what was sealed. */
export function checkSealedDigests(record: SealRecord, digest: Uint8Array, contentSha256: Uint8Array | null): void {
  const actual = toHex(digest);
  if (!constantTimeEqual(actual, record.digest)) {
    throw new DigestMismatchError(`expected mth-sha256 ${record.digest}, the data gives ${actual}`);
  }
  if (record.contentSha256 !== null) {
    const content = contentSha256 === null ? '' : toHex(contentSha256);
    if (!constantTimeEqual(content, record.contentSha256)) {
      throw new ContentMismatchError(
        `expected SHA-256 ${record.contentSha256}, the data gives ${content || 'nothing'}`,
      );
    }
  }
}
