// Seal attestations in Node: sign a seal record into a bundle, and verify a bundle (and a file
// against it) with any engine: `wasm` takes the browser path (WebCrypto + WASM), `native` and
// `node` check the signature with node:crypto and hash with the addon or node:crypto.
import { assertBytes, assertObject, assertString } from '../formats/args.js';
import type { Engine } from '../engines/digest-with-engine.js';
import { checkFileAgainstRecord } from '../seal/offline.js';
import type { SealRecord } from '../formats/seal-record.js';
import { serializeSealRecord, validateSealRecord } from '../seal/record.js';
import type { SigstoreBundle } from './dsse.js';
import { type SigningKey, nodeCryptoVerifier, signPayload } from './node-keys.js';
import { type PublicKeyOption, checkSealBundle, recordStreamChecker } from './seal-bundle.js';
import { sealStatement } from './statement.js';
import { webCryptoVerifier } from './web-signature.js';

/** The seal attestation of a record: a Sigstore bundle whose statement carries the record unchanged. */
export function signSealRecord(record: SealRecord, key: SigningKey): SigstoreBundle {
  const checked = validateSealRecord(record);
  const ordered = JSON.parse(serializeSealRecord(checked)) as SealRecord; // SPEC member order
  const payload = new TextEncoder().encode(JSON.stringify(sealStatement(ordered)));
  return signPayload(key, payload);
}

/** Bundle JSON as written to files: one line, LF. */
export function serializeBundle(bundle: SigstoreBundle): string {
  return JSON.stringify(bundle) + '\n';
}

export interface BundleVerifyOptions extends PublicKeyOption {
  /** wasm: WebCrypto + WASM (the browser path); native / node: node:crypto, hashing by the addon / node:crypto. */
  engine?: Engine;
}

/** Everything SPEC §5 checks of a seal attestation alone. Resolves with the signed seal record. */
export function verifySealBundle(bundle: unknown, opts: BundleVerifyOptions): Promise<SealRecord> {
  assertObject(opts, 'options');
  return checkSealBundle(bundle, opts.publicKey, opts.engine === 'wasm' ? webCryptoVerifier : nodeCryptoVerifier);
}

/** Everything SPEC §5 checks, on bytes in memory (hashed in WASM; the engine picks the signature check). */
export async function verifySealBundleBytes(
  bytes: Uint8Array,
  bundle: unknown,
  opts: BundleVerifyOptions,
): Promise<SealRecord> {
  assertBytes(bytes, 'bytes');
  const record = await verifySealBundle(bundle, opts);
  const checker = await recordStreamChecker(record);
  checker.update(bytes);
  return checker.finish();
}

export interface BundleFileVerifyOptions extends BundleVerifyOptions {
  threads?: number;
  /** Called as the file is read, with the bytes done so far. */
  onProgress?: (p: { bytes: number; totalBytes: number }) => void;
}

/** Everything SPEC §5 checks, on a file: resolves with the record when the file is what was attested. */
export async function verifySealBundleFile(
  path: string,
  bundle: unknown,
  opts: BundleFileVerifyOptions,
): Promise<SealRecord> {
  assertString(path, 'path');
  assertObject(opts, 'options');
  return checkFileAgainstRecord(path, await verifySealBundle(bundle, opts), opts);
}
