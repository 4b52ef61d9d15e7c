// The checks of an OpenSSF model signature (SPEC §5 "OMS") that need no file system, browser-safe:
// key, signature and manifest; model_signing's ignore rule; the file list against the manifest
// (nothing unlisted, nothing missing); one file's SHA-256. Node's verify-model (model-sign.ts)
// and the offline verifier page both use these, so the rules exist once.
import { assertIterable, assertString, assertStringArray } from '../formats/args.js';
import { InvalidArgumentError, ModelMismatchError, WrongKeyError } from '../errors.js';
import { parseBundle } from './dsse.js';
import { type ModelManifest, comparePaths, modelManifestOf } from './model-statement.js';
import { type PublicKeyInfo, parsePublicKeyPem } from './public-key.js';
import { type PublicKeyOption, checkSignedPayload, toPublicKeyInfo } from './seal-bundle.js';
import type { SignatureVerifier } from './web-signature.js';

/** OMS keys are ECDSA: an Ed25519 key is a usage error that says why (`argument` names the flag or option). */
export function requireEcdsa(algorithm: string, argument: string): void {
  if (algorithm === 'ed25519') {
    throw new InvalidArgumentError(
      argument,
      'is an Ed25519 key, but OpenSSF model signatures are ECDSA only (sigstore model_signing rejects Ed25519); make one with `vram-residency keygen --alg p256`',
    );
  }
}

/**
 * Bundle shape, key (ECDSA; the bundled key, if any, must be the one given), signature, then the
 * signed manifest. Throws a SealCheckError with its reason, or E_KEY / E_ARG for an unusable key.
 */
export async function checkModelSignature(
  signature: unknown,
  publicKey: PublicKeyOption['publicKey'],
  verifier: SignatureVerifier,
): Promise<{ manifest: ModelManifest; key: PublicKeyInfo }> {
  const parsed = parseBundle(signature, { requireHint: false });
  const key = await toPublicKeyInfo(publicKey);
  requireEcdsa(key.algorithm, 'publicKey');
  if (parsed.rawKeyPem !== null && (await parsePublicKeyPem(parsed.rawKeyPem).catch(() => null))?.hint !== key.hint) {
    throw new WrongKeyError('the signature bundles another public key than the one given');
  }
  await checkSignedPayload(parsed, key, verifier);
  return { manifest: await modelManifestOf(parsed.payload), key };
}

/** A manifest as checkModelSignature or modelManifestOf returns it. */
function assertManifest(manifest: unknown): asserts manifest is ModelManifest {
  if (!((manifest as ModelManifest | null)?.files instanceof Map))
    throw new InvalidArgumentError(
      'manifest',
      'must be a model manifest (from checkModelSignature or modelManifestOf)',
    );
}

function parts(p: string): string[] {
  return p.split('/').filter((x) => x !== '' && x !== '.');
}

/** model_signing's ignore rule: `name` is an ignored path or lies under one (component by component). */
export function isIgnored(name: string, ignore: readonly string[]): boolean {
  assertString(name, 'name');
  assertStringArray(ignore, 'ignore');
  const np = parts(name);
  return ignore.some((p) => {
    const ip = parts(p);
    return ip.length > 0 && ip.length <= np.length && ip.every((x, i) => np[i] === x);
  });
}

function list(names: string[]): string {
  return names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
}

/**
 * The model's files (names as the manifest spells them, ignored ones already left out) are exactly
 * the signed ones: a manifest of no file first, then an unlisted file, then a missing one; `where` ends the missing-file
 * message ("missing from DIR", "not among the files chosen").
 */
export function checkFileList(manifest: ModelManifest, names: Iterable<string>, where: string): void {
  assertManifest(manifest);
  assertIterable(names, 'names');
  assertString(where, 'where');
  if (manifest.files.size === 0) {
    // An empty model, or ignore paths that left nothing: such a signature vouches for no byte.
    throw new ModelMismatchError(
      'no files',
      '.',
      'the signed manifest lists no file (an empty model, or ignore paths that leave nothing): it vouches for nothing',
    );
  }
  const present = new Set(names);
  const unlisted = [...present].filter((n) => !manifest.files.has(n)).sort(comparePaths);
  const missing = [...manifest.files.keys()].filter((n) => !present.has(n)).sort(comparePaths);
  if (unlisted.length > 0) {
    throw new ModelMismatchError(
      'unlisted file',
      unlisted[0]!,
      `${list(unlisted)} ${unlisted.length === 1 ? 'is' : 'are'} not in the signed manifest (added after signing?)`,
    );
  }
  if (missing.length > 0) {
    throw new ModelMismatchError(
      'missing file',
      missing[0]!,
      `${list(missing)} ${missing.length === 1 ? 'is' : 'are'} signed but ${where}`,
    );
  }
}

/** Throws `digest mismatch` naming the file when its SHA-256 differs from the manifest's. */
export function checkFileDigest(manifest: ModelManifest, name: string, sha256Hex: string): void {
  assertManifest(manifest);
  assertString(name, 'name');
  assertString(sha256Hex, 'sha256Hex');
  const expected = manifest.files.get(name);
  if (expected === undefined)
    throw new ModelMismatchError('unlisted file', name, `${name} is not in the signed manifest`);
  if (expected !== sha256Hex) {
    throw new ModelMismatchError(
      'digest mismatch',
      name,
      `${name} has SHA-256 ${sha256Hex}, the signed manifest says ${expected} (changed after signing?)`,
    );
  }
}
