// Sealing a signed model (SPEC §5): the publisher's OMS signature and the model's file list are
// checked before any byte moves; then each listed file is sealed, and the SHA-256 of the bytes that
// went to the device must equal the signed one. Any failure releases every shard of the model,
// writes a critical audit record (on disk before the error is thrown) and names the file.
import {
  AbortError,
  ContentMismatchError,
  InvalidArgumentError,
  ModelMismatchError,
  SealCheckError,
} from '../errors.js';
import { type ModelVerifyOptions, type SignedModel, openSignedModel } from './model-sign.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Progress of one file's seal (the manager's SealProgress), and which file of how many. */
export interface ModelSealProgress {
  shardId: string;
  bytes: number;
  totalBytes: number;
  bytesPerSecond: number;
  file: string;
  fileIndex: number;
  fileCount: number;
}

export interface SealModelOptions extends Omit<ModelVerifyOptions, 'threads' | 'onProgress'> {
  /** Prefix of each seal's modelRef (`PREFIX/relative/path`); default: the signed model name. */
  modelRef?: string;
  /** Called as each file lands on the device: the file, its index and the bytes done. */
  onProgress?: (p: ModelSealProgress) => void;
  /** Passed to each file's seal: an abort stops the current file, releases the model's shards and rejects with AbortError. */
  signal?: AbortSignal;
}

export interface SealedModel<SealedShard> {
  /** The signed model name. */
  name: string;
  /** One shard per non-empty listed file, in manifest order; `files[i]` is its name. */
  shards: SealedShard[];
  files: string[];
  /** Empty files: checked against the manifest, not sealed (SPEC §1 has no digest of nothing). */
  empty: string[];
}

/** What sealing a model needs of the manager (VramManager). */
export interface ModelSealer<SealedShard> {
  sealFile(
    path: string,
    opts: {
      modelRef: string;
      shardIndex?: number;
      shardCount?: number;
      expectedSha256: string;
      signal?: AbortSignal;
      onProgress?: (p: Omit<ModelSealProgress, 'file' | 'fileIndex' | 'fileCount'>) => void;
    },
  ): Promise<SealedShard>;
  release(shard: SealedShard): Promise<void>;
  /** Writes a critical `integrity.violation` record and waits until it is on disk. */
  reportIntegrityViolation(
    resource: string,
    reason: string,
    expected: string | null,
    actual: string | null,
  ): Promise<void>;
}

function modelRefFor(prefix: string, name: string): string {
  return name === '.' ? prefix : `${prefix}/${name}`;
}

export async function sealSignedModel<SealedShard>(
  sealer: ModelSealer<SealedShard>,
  dir: string,
  opts: SealModelOptions,
): Promise<SealedModel<SealedShard>> {
  let signed: SignedModel;
  try {
    signed = await openSignedModel(dir, {
      signature: opts.signature,
      publicKey: opts.publicKey,
      ignorePaths: opts.ignorePaths,
    });
  } catch (error) {
    if (error instanceof SealCheckError) {
      const name = error instanceof ModelMismatchError ? `${dir}/${error.path}` : dir;
      await sealer.reportIntegrityViolation(name, `model signature refused: ${error.message}`, null, null);
    }
    throw error;
  }
  const prefix = opts.modelRef ?? signed.manifest.name;
  const toSeal = signed.files.filter((f) => f.size > 0);
  if (toSeal.length === 0)
    throw new InvalidArgumentError('model', `${dir}: every signed file is empty; there is nothing to seal`);
  if (toSeal.length > 65535)
    throw new InvalidArgumentError('model', `has ${toSeal.length} files; a model is sealed as at most 65535 shards`);
  const shards: SealedShard[] = [];
  const empty: string[] = [];
  let current = '';
  try {
    for (const file of signed.files) {
      current = file.name;
      const expected = signed.manifest.files.get(file.name)!;
      if (file.size === 0) {
        if (expected !== EMPTY_SHA256)
          throw new ContentMismatchError(`the bytes have SHA-256 ${EMPTY_SHA256}, expected ${expected}`);
        empty.push(file.name);
        continue;
      }
      const fileIndex = shards.length;
      shards.push(
        await sealer.sealFile(file.path, {
          modelRef: modelRefFor(prefix, file.name),
          shardIndex: toSeal.length > 1 ? fileIndex : undefined,
          shardCount: toSeal.length > 1 ? toSeal.length : undefined,
          expectedSha256: expected,
          signal: opts.signal,
          onProgress:
            opts.onProgress &&
            ((p) => opts.onProgress!({ ...p, file: file.name, fileIndex, fileCount: toSeal.length })),
        }),
      );
    }
  } catch (thrown) {
    const expected = signed.manifest.files.get(current) ?? null;
    // The manager's ContentMismatchError says which SHA-256 the device-side bytes had.
    const actual =
      thrown instanceof ContentMismatchError ? (/SHA-256 ([0-9a-f]{64})/.exec(thrown.message)?.[1] ?? null) : null;
    const error =
      thrown instanceof ContentMismatchError
        ? new ModelMismatchError(
            'digest mismatch',
            current,
            `${current}: the bytes loaded to the device have SHA-256 ${actual ?? '(unknown)'}, the publisher signed ${expected}; nothing of the model stays allocated`,
          )
        : thrown;
    for (const shard of shards) await sealer.release(shard).catch(() => {}); // the original error is the one to report
    if (error instanceof AbortError) {
      // The caller stopped it: audited as an aborted seal, not an integrity finding.
      throw new AbortError(
        `sealing the model ${prefix} was aborted by the caller at ${current}; nothing of the model stays allocated`,
        error.cause,
      );
    }
    await sealer.reportIntegrityViolation(
      modelRefFor(prefix, current),
      `sealing the signed model failed at ${current}: ${(error as Error).message}`,
      expected,
      actual,
    );
    throw error;
  }
  return {
    name: signed.manifest.name,
    shards,
    files: signed.files.filter((f) => f.size > 0).map((f) => f.name),
    empty,
  };
}
