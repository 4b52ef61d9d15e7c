// An OpenSSF model signature (model.sig, SPEC §5 "OMS") against the chosen model files: key,
// signature, manifest, the ignore rule and the file list are lib/attest's browser-safe checks
// (model-check.ts, the ones verify-model uses) with WebCrypto; then every file's SHA-256, hashed
// by workers several files at once.
import {
  checkFileDigest,
  checkFileList,
  checkModelSignature,
  comparePaths,
  GIT_PATHS,
  isIgnored,
  SealCheckError,
  toHex,
  webCryptoVerifier,
} from '../lib/browser/internal.js';
import type { ModelManifest } from '../lib/browser/internal.js';
import { outcomesUpTo, type CheckOutcome, type CheckSpec } from './checks-view.js';
import type { DigestProgress } from './parallel-digest.js';
import { sha256Files } from './sha256-files.js';

export const MODEL_SIGNATURE_CHECKS: readonly CheckSpec[] = [
  {
    id: 'shape',
    title: 'Signature bundle and manifest are well-formed (OpenSSF model signing v1.0)',
    reason: 'malformed',
  },
  { id: 'key', title: 'The public key is the one the signature names', reason: 'wrong key' },
  { id: 'signature', title: 'Signature verifies: the manifest is unaltered', reason: 'signature mismatch' },
  { id: 'files', title: 'The signature covers at least one file', reason: 'no files' },
  { id: 'unlisted', title: 'Every file chosen is in the signed manifest', reason: 'unlisted file' },
  { id: 'missing', title: 'Every file in the signed manifest was chosen', reason: 'missing file' },
  { id: 'content', title: 'Every file’s SHA-256 equals the signed one', reason: 'digest mismatch' },
];

export interface ModelOutcome {
  ok: boolean;
  reason: string | null;
  message: string;
  checks: Map<string, CheckOutcome>;
  manifest: ModelManifest | null;
  bytes: number;
  seconds: number;
}

/** A chosen file's name in the manifest: its path below the chosen directory, or its own name. */
function manifestName(file: File): string {
  const rel = file.webkitRelativePath;
  return rel?.includes('/') ? rel.slice(rel.indexOf('/') + 1) : file.name;
}

/** `publicKeyPem`: the publisher's SPKI PEM (ECDSA). An unusable key throws E_KEY before any check. */
export async function verifyModelSignature(
  signatureValue: unknown,
  signatureName: string,
  models: readonly File[],
  publicKeyPem: string,
  opts: { workers: number; onProgress?: (p: DigestProgress) => void; signal?: AbortSignal },
): Promise<ModelOutcome> {
  const started = performance.now();
  let manifest: ModelManifest | null = null;
  let bytes = 0;
  try {
    manifest = (await checkModelSignature(signatureValue, publicKeyPem, webCryptoVerifier)).manifest;
    const single = models.length === 1 && manifest.files.has('.');
    const ignore = [...GIT_PATHS, ...manifest.ignorePaths, signatureName];
    const chosen = new Map<string, File>();
    for (const f of models) {
      const name = single ? '.' : manifestName(f);
      if (!isIgnored(name, ignore)) chosen.set(name, f);
    }
    checkFileList(manifest, chosen.keys(), 'not among the files chosen');
    const names = [...chosen.keys()].sort(comparePaths);
    const files = names.map((n) => chosen.get(n)!);
    bytes = files.reduce((n, f) => n + f.size, 0);
    const digests = await sha256Files(files, opts);
    for (const [i, name] of names.entries()) checkFileDigest(manifest, name, toHex(digests[i]!));
  } catch (e) {
    if (!(e instanceof SealCheckError)) throw e;
    const failedId = MODEL_SIGNATURE_CHECKS.find((c) => c.reason === e.reason)?.id ?? null;
    return {
      ok: false,
      reason: e.reason,
      message: e.message,
      checks: outcomesUpTo(MODEL_SIGNATURE_CHECKS, failedId, e.message),
      manifest,
      bytes,
      seconds: (performance.now() - started) / 1000,
    };
  }
  return {
    ok: true,
    reason: null,
    message: `the ${manifest.files.size} file${manifest.files.size === 1 ? '' : 's'} of ${manifest.name} are what the publisher signed`,
    checks: outcomesUpTo(MODEL_SIGNATURE_CHECKS, null, ''),
    manifest,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}
