// Seal record + worker token against one file, in SPEC §3 order: shape, key id, MAC (in the
// page, with the WASM seal key), then size, tree digest and plain SHA-256 (hashed by workers).
import { SealCheckError } from '../dist/errors.js';
import { checkSealedDigests, checkSealedSize } from '../dist/seal/check.js';
import type { SealRecord } from '../dist/seal/record.js';
import { verifySealRecord } from '../dist/seal/verify-bytes.js';
import { outcomesUpTo, type CheckOutcome, type CheckSpec } from './checks-view.js';
import { digestBlob, type BlobDigest, type DigestProgress } from './parallel-digest.js';

export const SEAL_RECORD_CHECKS: readonly CheckSpec[] = [
  { id: 'shape', title: 'Seal record is well-formed (SPEC §3)', reason: 'malformed' },
  { id: 'key', title: 'Token derives the record’s key id', reason: 'wrong key' },
  { id: 'mac', title: 'MAC matches: the record is unaltered', reason: 'mac mismatch' },
  { id: 'size', title: 'File size equals the sealed size', reason: 'size mismatch' },
  { id: 'digest', title: 'Tree digest (mth-sha256) equals the sealed digest', reason: 'digest mismatch' },
  { id: 'content', title: 'Plain SHA-256 equals the sealed contentSha256', reason: 'content mismatch' },
];

export interface SealOutcome {
  ok: boolean;
  /** The SPEC reason of the first failed check, or null. */
  reason: string | null;
  message: string;
  checks: Map<string, CheckOutcome>;
  record: SealRecord | null;
  digest: BlobDigest | null;
}

export interface HashOptions {
  workers: number;
  onProgress?: (p: DigestProgress) => void;
}

function failed(
  reason: string,
  message: string,
  skipped: Map<string, string>,
  record: SealRecord | null,
  digest: BlobDigest | null,
): SealOutcome {
  const spec = SEAL_RECORD_CHECKS.find((c) => c.reason === reason);
  return {
    ok: false,
    reason,
    message,
    checks: outcomesUpTo(SEAL_RECORD_CHECKS, spec?.id ?? null, message, skipped),
    record,
    digest,
  };
}

export async function verifyRecordWithToken(
  recordValue: unknown,
  file: File,
  token: string,
  opts: HashOptions,
): Promise<SealOutcome> {
  const skipped = new Map<string, string>();
  let record: SealRecord;
  try {
    record = await verifySealRecord(recordValue, { token });
  } catch (e) {
    if (e instanceof SealCheckError) return failed(e.reason, e.message, skipped, null, null);
    throw e;
  }
  if (record.contentSha256 === null)
    skipped.set('content', 'the record has no contentSha256, so the plain SHA-256 was not compared');
  try {
    checkSealedSize(record, file.size);
  } catch (e) {
    if (e instanceof SealCheckError) return failed(e.reason, e.message, skipped, record, null);
    throw e;
  }
  const digest = await digestBlob(file, {
    leafSize: record.leafSize,
    workers: opts.workers,
    sha256: record.contentSha256 !== null,
    onProgress: opts.onProgress,
  });
  try {
    checkSealedSize(record, digest.size);
    checkSealedDigests(record, digest.digest, digest.sha256);
  } catch (e) {
    if (e instanceof SealCheckError) return failed(e.reason, e.message, skipped, record, digest);
    throw e;
  }
  return {
    ok: true,
    reason: null,
    message: `${file.name} is the file sealed as ${record.shardId}`,
    checks: outcomesUpTo(SEAL_RECORD_CHECKS, null, '', skipped),
    record,
    digest,
  };
}
