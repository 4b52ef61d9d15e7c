// SPEC §3 checking, in SPEC order: shape, key id, MAC, then (where the bytes are at hand) size,
// tree digest, plain SHA-256. Browser-safe: the key is any object that can MAC the fields.
import {
  ContentMismatchError,
  DigestMismatchError,
  MacMismatchError,
  SizeMismatchError,
  WrongKeyError,
} from '../errors.js';
import { constantTimeEqual, equalsHex } from '../formats/constant-time.js';
import { fromHex, toHex } from '../formats/hex.js';
import type { SealRecord } from '../formats/seal-record.js';
import { validateSealRecord } from './record.js';

/** What checking needs of a seal key: its id, and the SPEC §3 MAC over a record's fields. */
export interface SealMacKey {
  readonly kid: string;
  mac(record: Omit<SealRecord, 'format' | 'mac'>): string;
}

/** Shape, kid and MAC. Returns the typed record; throws the first SPEC §3 failure. */
export function checkSealRecord(input: unknown, key: SealMacKey): SealRecord {
  const record = validateSealRecord(input);
  if (record.kid !== key.kid) {
    throw new WrongKeyError(`the record was sealed under key ${record.kid}, the token given derives key ${key.kid}`);
  }
  // record.mac passed the record's HEX64 rule; the key's MAC is hex of 32 bytes too.
  if (!equalsHex(fromHex(record.mac), key.mac(record))) {
    throw new MacMismatchError('the record was altered after sealing, or was not sealed with this key');
  }
  return record;
}

export function checkSealedSize(record: SealRecord, actualSize: number): void {
  if (actualSize !== record.size) {
    throw new SizeMismatchError(`the seal covers ${record.size} bytes, the data has ${actualSize}`);
  }
}

/**
 * Digest (and plain SHA-256 when the record has one): the bytes are what was sealed. Digests are
 * compared as bytes; hex is only written into the message of a mismatch.
 */
export function checkSealedDigests(record: SealRecord, digest: Uint8Array, contentSha256: Uint8Array | null): void {
  if (!constantTimeEqual(digest, fromHex(record.digest))) {
    throw new DigestMismatchError(`expected mth-sha256 ${record.digest}, the data gives ${toHex(digest)}`);
  }
  if (record.contentSha256 !== null) {
    if (contentSha256 === null || !constantTimeEqual(contentSha256, fromHex(record.contentSha256))) {
      const content = contentSha256 === null ? 'nothing' : toHex(contentSha256);
      throw new ContentMismatchError(`expected SHA-256 ${record.contentSha256}, the data gives ${content}`);
    }
  }
}
