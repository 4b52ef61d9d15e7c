// `sign-model` / `verify-model` (SPEC §5 OMS, Node): OpenSSF model signatures with ECDSA keys,
// interoperable with sigstore's model_signing `sign key` / `verify key` (files method, sha256).
import { assertObject, assertOptions, assertString } from '../formats/args.js';
import { InvalidArgumentError, ModelMismatchError } from '../errors.js';
import type { SigstoreBundle } from './dsse.js';
import { checkFileDigest, checkFileList, checkModelSignature, requireEcdsa } from './model-check.js';
import { type HashProgress, type ModelFile, hashModelFiles, listModelFiles } from './model-files.js';
import { type ModelManifest, comparePaths, modelStatement } from './model-statement.js';
import { type SigningKey, nodeCryptoVerifier, signPayload } from './node-keys.js';
import type { PublicKeyInfo } from './public-key.js';
import type { PublicKeyOption } from './seal-bundle.js';

export interface ModelHashOptions {
  /** Paths relative to the model directory to leave out (the signature file, notes…); git paths always are. */
  ignorePaths?: readonly string[];
  /** Files hashed at once; default: all cores. */
  threads?: number;
  /** Called as the model files are hashed. */
  onProgress?: (p: HashProgress) => void;
}

/** Hashes every file of the model and signs the manifest. The key must be ECDSA. */
export async function signModel(
  modelPath: string,
  key: SigningKey,
  opts: ModelHashOptions = {},
): Promise<{ bundle: SigstoreBundle; manifest: ModelManifest }> {
  assertString(modelPath, 'modelPath');
  assertOptions(opts);
  if (typeof (key as SigningKey | null)?.sign !== 'function')
    throw new InvalidArgumentError('key', 'must be a SigningKey (from loadSigningKey)');
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
  if (listed.files.length === 0)
    throw new InvalidArgumentError(
      'model',
      `${modelPath} has no file to sign${ignorePaths.length > 4 ? ' once the ignore paths are left out' : ''}; a signature of nothing would vouch for nothing`,
    );
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
  assertString(modelPath, 'modelPath');
  assertObject(opts, 'options');
  const { manifest, key } = await checkModelSignature(opts.signature, opts.publicKey, nodeCryptoVerifier);
  const listed = await listModelFiles(modelPath, [...(opts.ignorePaths ?? []), ...manifest.ignorePaths]);
  checkFileList(
    manifest,
    listed.files.map((f) => f.name),
    `missing from ${modelPath}`,
  );
  return { manifest, files: listed.files.sort((a, b) => comparePaths(a.name, b.name)), key };
}

/** Everything a model signature promises: key, signature, manifest, file list, every file's SHA-256. */
export async function verifyModel(
  modelPath: string,
  opts: ModelVerifyOptions,
): Promise<SignedModel & { bytes: number }> {
  assertString(modelPath, 'modelPath');
  assertObject(opts, 'options');
  const signed = await openSignedModel(modelPath, opts);
  const digests = await hashModelFiles(signed.files, opts);
  for (const file of signed.files) checkFileDigest(signed.manifest, file.name, digests.get(file.name)!);
  return { ...signed, bytes: signed.files.reduce((n, f) => n + f.size, 0) };
}
