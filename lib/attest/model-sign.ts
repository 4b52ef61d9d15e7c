// `sign-model` / `verify-model` (SPEC §5 OMS, Node): OpenSSF model signatures with ECDSA keys,
// interoperable with sigstore's model_signing `sign key` / `verify key` (files method, sha256).
import { InvalidArgumentError, ModelMismatchError, WrongKeyError } from '../errors.js';
import { type SigstoreBundle, parseBundle } from './dsse.js';
import { type HashProgress, type ModelFile, hashModelFiles, listModelFiles } from './model-files.js';
import { type ModelManifest, comparePaths, modelManifestOf, modelStatement } from './model-statement.js';
import { type SigningKey, nodeCryptoVerifier, signPayload } from './node-keys.js';
import { type PublicKeyInfo, parsePublicKeyPem } from './public-key.js';
import { type PublicKeyOption, checkSignedPayload, toPublicKeyInfo } from './seal-bundle.js';

export interface ModelHashOptions {
  /** Paths relative to the model directory to leave out (the signature file, notes…); git paths always are. */
  ignorePaths?: readonly string[];
  /** Files hashed at once; default: all cores. */
  threads?: number;
  /** Called as the model files are hashed. */
  onProgress?: (p: HashProgress) => void;
}

/** OMS keys are ECDSA: an Ed25519 key is a usage error that says why (`argument` names the flag or option). */
export function requireEcdsa(algorithm: string, argument: string): void {
  if (algorithm === 'ed25519') {
    throw new InvalidArgumentError(
      argument,
      'is an Ed25519 key, but OpenSSF model signatures are ECDSA only (sigstore model_signing rejects Ed25519); make one with `vram-residency keygen --alg p256`',
    );
  }
}

/** Hashes every file of the model and signs the manifest. The key must be ECDSA. */
export async function signModel(
  modelPath: string,
  key: SigningKey,
  opts: ModelHashOptions = {},
): Promise<{ bundle: SigstoreBundle; manifest: ModelManifest }> {
  requireEcdsa(key.algorithm, 'key');
  const ignorePaths = [...new Set(['.git', '.gitattributes', '.github', '.gitignore', ...(opts.ignorePaths ?? [])])];
  const listed = await listModelFiles(modelPath, ignorePaths).catch((error) => {
    // Signing, a symlink or special file is the caller's to fix, not a failed check.
    throw error instanceof ModelMismatchError
      ? new InvalidArgumentError(
          'model',
          `${error.message.replace(/^[a-z ]+: /, '')}; remove it or pass it in ignorePaths`,
        )
      : error;
  });
  const files = await hashModelFiles(
    listed.files.sort((a, b) => comparePaths(a.name, b.name)),
    opts,
  );
  const manifest: ModelManifest = { name: listed.name, files, ignorePaths: listed.single ? [] : ignorePaths };
  const payload = new TextEncoder().encode(JSON.stringify(await modelStatement(manifest)));
  return { bundle: signPayload(key, payload), manifest };
}

export interface ModelVerifyOptions extends PublicKeyOption, ModelHashOptions {
  /** The signature bundle (model.sig): an object, or its JSON text. */
  signature: unknown;
}

export interface SignedModel {
  manifest: ModelManifest;
  /** The model's files, each listed in the manifest (sizes as found; content not yet checked). */
  files: ModelFile[];
  key: PublicKeyInfo;
}

/**
 * Signature, key and manifest, then the model's file list against it (nothing unlisted, nothing
 * missing): everything but the file contents. sealModel checks those as it uploads them.
 */
export async function openSignedModel(modelPath: string, opts: ModelVerifyOptions): Promise<SignedModel> {
  const parsed = parseBundle(opts.signature, { requireHint: false });
  const key = await toPublicKeyInfo(opts.publicKey);
  requireEcdsa(key.algorithm, 'publicKey');
  if (parsed.rawKeyPem !== null && (await parsePublicKeyPem(parsed.rawKeyPem).catch(() => null))?.hint !== key.hint) {
    throw new WrongKeyError('the signature bundles another public key than the one given');
  }
  await checkSignedPayload(parsed, key, nodeCryptoVerifier);
  const manifest = await modelManifestOf(parsed.payload);
  const listed = await listModelFiles(modelPath, [...(opts.ignorePaths ?? []), ...manifest.ignorePaths]);
  const present = new Set(listed.files.map((f) => f.name));
  const unlisted = listed.files.map((f) => f.name).filter((n) => !manifest.files.has(n));
  const missing = [...manifest.files.keys()].filter((n) => !present.has(n));
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
      `${list(missing)} ${missing.length === 1 ? 'is' : 'are'} signed but missing from ${modelPath}`,
    );
  }
  return { manifest, files: listed.files.sort((a, b) => comparePaths(a.name, b.name)), key };
}

function list(names: string[]): string {
  return names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
}

/** Throws `digest mismatch` naming the first file (by name) whose SHA-256 differs from the manifest. */
export function checkFileDigest(manifest: ModelManifest, name: string, sha256Hex: string): void {
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

/** Everything a model signature promises: key, signature, manifest, file list, every file's SHA-256. */
export async function verifyModel(
  modelPath: string,
  opts: ModelVerifyOptions,
): Promise<SignedModel & { bytes: number }> {
  const signed = await openSignedModel(modelPath, opts);
  const digests = await hashModelFiles(signed.files, opts);
  for (const file of signed.files) checkFileDigest(signed.manifest, file.name, digests.get(file.name)!);
  return { ...signed, bytes: signed.files.reduce((n, f) => n + f.size, 0) };
}
