// A seal against one file, in SPEC order: the record's own checks first (a seal record with the
// worker token: shape, key id, MAC, SPEC §3; a seal bundle with a public key: shape, key hint,
// signature, SPEC §5), in the page; then size, tree digest and plain SHA-256, hashed by workers.
import { checkSealBundle } from '../dist/attest/seal-bundle.js';
import { webCryptoVerifier } from '../dist/attest/web-signature.js';
import { SealCheckError } from '../dist/errors.js';
import { checkSealedDigests, checkSealedSize } from '../dist/seal/check.js';
import type { SealRecord } from '../dist/seal/record.js';
import { verifySealRecord } from '../dist/seal/verify-bytes.js';
import { outcomesUpTo, type CheckOutcome, type CheckSpec } from './checks-view.js';
import { digestBlob, type BlobDigest, type DigestProgress } from './parallel-digest.js';

const BYTE_CHECKS: readonly CheckSpec[] = [
  { id: 'size', title: 'File size equals the sealed size', reason: 'size mismatch' },
  { id: 'digest', title: 'Tree digest (mth-sha256) equals the sealed digest', reason: 'digest mismatch' },
  { id: 'content', title: 'Plain SHA-256 equals the sealed contentSha256', reason: 'content mismatch' },
];

export const SEAL_RECORD_CHECKS: readonly CheckSpec[] = [
  { id: 'shape', title: 'Seal record is well-formed (SPEC §3)', reason: 'malformed' },
  { id: 'key', title: 'Token derives the record’s key id', reason: 'wrong key' },
  { id: 'mac', title: 'MAC matches: the record is unaltered', reason: 'mac mismatch' },
  ...BYTE_CHECKS,
];

export const SEAL_BUNDLE_CHECKS: readonly CheckSpec[] = [
  { id: 'shape', title: 'Bundle, statement and seal record are well-formed (SPEC §5)', reason: 'malformed' },
  { id: 'key', title: 'The public key is the one the bundle names', reason: 'wrong key' },
  { id: 'signature', title: 'Signature verifies: the statement is unaltered', reason: 'signature mismatch' },
  ...BYTE_CHECKS,
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
  signal?: AbortSignal;
}

/** Runs `checkRecord`, then the byte checks; a SPEC failure becomes an outcome, anything else is thrown. */
async function verifyAgainstFile(
  specs: readonly CheckSpec[],
  checkRecord: () => Promise<SealRecord>,
  file: File,
  opts: HashOptions,
): Promise<SealOutcome> {
  const skipped = new Map<string, string>();
  let record: SealRecord | null = null;
  let digest: BlobDigest | null = null;
  try {
    record = await checkRecord();
    if (record.contentSha256 === null)
      skipped.set('content', 'the record has no contentSha256, so the plain SHA-256 was not compared');
    checkSealedSize(record, file.size);
    digest = await digestBlob(file, {
      leafSize: record.leafSize,
      workers: opts.workers,
      sha256: record.contentSha256 !== null,
      onProgress: opts.onProgress,
      signal: opts.signal,
    });
    checkSealedSize(record, digest.size);
    checkSealedDigests(record, digest.digest, digest.sha256);
  } catch (e) {
    if (!(e instanceof SealCheckError)) throw e;
    const failedId = specs.find((c) => c.reason === e.reason)?.id ?? null;
    return {
      ok: false,
      reason: e.reason,
      message: e.message,
      checks: outcomesUpTo(specs, failedId, e.message, skipped),
      record,
      digest,
    };
  }
  return {
    ok: true,
    reason: null,
    message: `${file.name} is the file sealed as ${record.shardId}`,
    checks: outcomesUpTo(specs, null, '', skipped),
    record,
    digest,
  };
}

export function verifyRecordWithToken(
  recordValue: unknown,
  file: File,
  token: string,
  opts: HashOptions,
): Promise<SealOutcome> {
  return verifyAgainstFile(SEAL_RECORD_CHECKS, () => verifySealRecord(recordValue, { token }), file, opts);
}

/** `publicKeyPem`: the signer's SPKI PEM text (an unusable key throws E_KEY before any check). */
export function verifyBundleWithKey(
  bundleValue: unknown,
  file: File,
  publicKeyPem: string,
  opts: HashOptions,
): Promise<SealOutcome> {
  return verifyAgainstFile(
    SEAL_BUNDLE_CHECKS,
    () => checkSealBundle(bundleValue, publicKeyPem, webCryptoVerifier),
    file,
    opts,
  );
}
