// Checking a seal attestation (SPEC §5) with nothing but a public key, in SPEC order: malformed,
// wrong key, signature mismatch, then (where the bytes are at hand) size, digest, content.
// Browser-safe; the signature check is pluggable (WebCrypto here, node:crypto in the Node entry).
import { assertObject } from '../formats/args.js';
import { WrongKeyError, SignatureMismatchError } from '../errors.js';
import { checkSealedDigests, checkSealedSize } from '../seal/check.js';
import type { SealRecord } from '../formats/seal-record.js';
import { loadWasm } from '../wasm/load.js';
import { pae, parseBundle } from './dsse.js';
import { type PublicKeyInfo, parsePublicKeyPem } from './public-key.js';
import { SEAL_PREDICATE_TYPE, parseStatement, sealRecordOf } from './statement.js';
import { type SignatureVerifier, webCryptoVerifier } from './web-signature.js';

export interface PublicKeyOption {
  /** The signer's public key: SPKI PEM text (or its bytes), or a key already parsed. */
  publicKey: string | Uint8Array | PublicKeyInfo;
}

export async function toPublicKeyInfo(key: PublicKeyOption['publicKey']): Promise<PublicKeyInfo> {
  return typeof key === 'string' || key instanceof Uint8Array ? parsePublicKeyPem(key) : key;
}

/** Wrong key (hint) before any signature work, then the DSSE signature over PAE(type, payload). */
export async function checkSignedPayload(
  bundle: { payloadType: string; payload: Uint8Array; signature: Uint8Array; hint: string | null },
  key: PublicKeyInfo,
  verifier: SignatureVerifier,
): Promise<void> {
  if (bundle.hint !== null && bundle.hint !== key.hint) {
    throw new WrongKeyError(
      `the bundle was signed by the key with hint ${bundle.hint}, the key given has hint ${key.hint}`,
    );
  }
  if (!(await verifier(key, pae(bundle.payloadType, bundle.payload), bundle.signature))) {
    throw new SignatureMismatchError(
      'the DSSE signature does not verify under the key given: the statement was altered or signed by another key',
    );
  }
}

/** Bundle → verified seal record (no bytes checked yet). */
export async function checkSealBundle(
  bundle: unknown,
  publicKey: PublicKeyOption['publicKey'],
  verifier: SignatureVerifier,
): Promise<SealRecord> {
  const parsed = parseBundle(bundle, { requireHint: true });
  const record = sealRecordOf(parseStatement(parsed.payload, SEAL_PREDICATE_TYPE));
  await checkSignedPayload(parsed, await toPublicKeyInfo(publicKey), verifier);
  return record;
}

/** Everything SPEC §5 checks of a seal attestation alone. Resolves with the signed seal record. */
export function verifySealBundle(bundle: unknown, opts: PublicKeyOption): Promise<SealRecord> {
  assertObject(opts, 'options');
  return checkSealBundle(bundle, opts.publicKey, webCryptoVerifier);
}

export interface BundleStreamVerifier {
  /** Feed the next chunk of the attested bytes, in order. */
  update(chunk: Uint8Array): void;
  /** All bytes given: size, tree digest and SHA-256; returns the record or throws the SPEC reason. */
  finish(): SealRecord;
}

/** Hashes a stream against a record already checked (WASM: mth-sha256 and SHA-256 in one pass). */
export async function recordStreamChecker(record: SealRecord): Promise<BundleStreamVerifier> {
  const wasm = await loadWasm();
  const mth = wasm.createMth(record.leafSize);
  const sha = wasm.createSha256();
  let size = 0;
  return {
    update(chunk) {
      mth.update(chunk);
      sha.update(chunk);
      size += chunk.length;
    },
    finish() {
      checkSealedSize(record, size);
      checkSealedDigests(record, mth.digest(), sha.digest());
      return record;
    },
  };
}

/** Checks the bundle first (so a wrong key fails before hashing), then hashes a stream (e.g. a fetch body). */
export async function createSealBundleStreamVerifier(
  bundle: unknown,
  opts: PublicKeyOption,
): Promise<BundleStreamVerifier> {
  assertObject(opts, 'options');
  return recordStreamChecker(await verifySealBundle(bundle, opts));
}

/** Everything SPEC §5 checks, on bytes in memory. */
export async function verifySealBundleBytes(
  bytes: Uint8Array,
  bundle: unknown,
  opts: PublicKeyOption,
): Promise<SealRecord> {
  assertObject(opts, 'options');
  const verifier = await createSealBundleStreamVerifier(bundle, opts);
  verifier.update(bytes);
  return verifier.finish();
}
