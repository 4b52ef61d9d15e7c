// How the bytes of a new shard reach device memory. Without an AbortSignal each source is one
// pass; with one, the upload goes in pieces and the signal is checked between them, so an abort
// stops the upload within one piece and the caller gets AbortError (E_ABORTED).
import { createHash } from 'node:crypto';
import { AbortError, InvalidArgumentError } from '../errors.js';
import type { Allocation } from '../native/index.js';
import { readUnchanged } from '../engines/file-identity.js';

/** Puts bytes into the allocation; returns the leaf hashes and (if asked) the plain SHA-256. */
export type Fill = (
  a: Allocation,
  onBytes: (done: number) => void,
  wantSha: boolean,
) => Promise<{ leafHashes: Uint8Array; sha256: Uint8Array | null }>;

/** Upload step when a signal may stop it: an abort takes effect at the next piece boundary. */
export const ABORT_PIECE_BYTES = 32 * 1024 * 1024;

export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new InvalidArgumentError('signal', 'must be an AbortSignal');
}

export function throwIfAborted(signal: AbortSignal | undefined, shardId: string, done?: number, size?: number): void {
  if (!signal?.aborted) return;
  const where = done === undefined ? '' : ` after ${done} of ${size} bytes`;
  throw new AbortError(
    `sealing ${shardId} was aborted by the caller${where}; nothing was sealed and its device memory is freed`,
    signal.reason,
  );
}

/** Why a seal that had allocated gave its memory back (the vram.deallocated reason). */
export function discardReason(error: unknown): string {
  return error instanceof AbortError
    ? 'seal aborted by the caller'
    : `seal failed (${(error as { code?: unknown })?.code ?? 'error'})`;
}

/** Piece boundaries: whole leaves, so every piece's leaf hashes are leaves of the shard. */
function pieces(size: number, leafSize: number): [offset: number, length: number][] {
  const step = Math.max(leafSize, Math.floor(ABORT_PIECE_BYTES / leafSize) * leafSize);
  const out: [number, number][] = [];
  for (let offset = 0; offset < size; offset += step) out.push([offset, Math.min(step, size - offset)]);
  return out;
}

/**
 * A file streamed by the addon, sealed only if it did not change meanwhile (E_FILE_CHANGED). With a
 * signal and no plain SHA-256 wanted it goes piece by piece; the plain SHA-256 spans one addon pass
 * (it cannot be resumed across calls), so with expectedSha256/computeContentSha256 the signal is
 * checked only before and after that pass.
 */
export function fileFill(
  path: string,
  size: number,
  leafSize: number,
  shardId: string,
  signal: AbortSignal | undefined,
): Fill {
  const upload = async (allocation: Allocation, onBytes: (done: number) => void, wantSha: boolean) => {
    if (!signal || wantSha)
      return allocation.uploadFile(path, { length: size, leafSize, sha256: wantSha, onProgress: onBytes });
    const leafHashes = new Uint8Array(Math.ceil(size / leafSize) * 32);
    let length = 0;
    for (const [offset, pieceLength] of pieces(size, leafSize)) {
      throwIfAborted(signal, shardId, offset, size);
      const r = await allocation.uploadFile(path, {
        fileOffset: offset,
        length: pieceLength,
        deviceOffset: offset,
        leafSize,
        onProgress: (n) => onBytes(offset + n),
      });
      leafHashes.set(r.leafHashes, (offset / leafSize) * 32);
      length += r.length;
    }
    return { leafHashes, sha256: null, length };
  };
  return (allocation, onBytes, wantSha) =>
    readUnchanged(
      path,
      () => upload(allocation, onBytes, wantSha),
      (r) => r.length,
      'nothing was sealed; seal it when nothing writes to it',
    );
}

/** Bytes the caller holds: copied in pieces when a signal may stop the copy. */
export function bytesFill(bytes: Uint8Array, leafSize: number, shardId: string, signal: AbortSignal | undefined): Fill {
  return async (allocation, onBytes, wantSha) => {
    for (const [offset, length] of signal ? pieces(bytes.length, leafSize) : [[0, bytes.length] as const]) {
      throwIfAborted(signal, shardId, offset, bytes.length);
      await allocation.upload(offset, bytes.subarray(offset, offset + length));
      onBytes(offset + length);
    }
    const leafHashes = await allocation.leafHashes(leafSize, 0, Math.ceil(bytes.length / leafSize));
    return { leafHashes, sha256: wantSha ? createHash('sha256').update(bytes).digest() : null };
  };
}
