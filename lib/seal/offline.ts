// Offline verification with nothing but the token: a seal record alone (shape, key, MAC), or a
// file against its record (then size, tree digest and plain SHA-256 too).
import { type Engine, defaultEngine, digestFileWith, statRegularFile } from '../engines/file-digest.js';
import { MalformedSealError } from '../errors.js';
import { checkSealedDigests, checkSealedSize } from './check.js';
import type { SealRecord } from './record.js';
import { type TokenOption, verifySealRecord } from './verify-bytes.js';

export { verifySealRecord };

export interface FileVerifyOptions extends TokenOption {
  engine?: Engine;
  threads?: number;
  /** Called as the file is read, with the bytes done so far. */
  onProgress?: (p: { bytes: number; totalBytes: number }) => void;
}

/**
 * Everything SPEC §3 checks, on a file: resolves with the record when the file is what was sealed.
 * `record` is the parsed record or its JSON text (what `recordJson()` returns and what is on disk).
 */
export async function verifySealedFile(path: string, record: unknown, opts: FileVerifyOptions): Promise<SealRecord> {
  return checkFileAgainstRecord(path, await verifySealRecord(parsedRecord(record), opts), opts);
}

/** A record given as JSON text is parsed first; text that is not JSON is a malformed record. */
function parsedRecord(record: unknown): unknown {
  if (typeof record !== 'string') return record;
  try {
    return JSON.parse(record);
  } catch {
    throw new MalformedSealError('the record text is not JSON');
  }
}

/** Size, tree digest and plain SHA-256 of a file against a record already checked (MAC or signature). */
export async function checkFileAgainstRecord(
  path: string,
  checked: SealRecord,
  opts: { engine?: Engine; threads?: number; onProgress?: FileVerifyOptions['onProgress'] },
): Promise<SealRecord> {
  checkSealedSize(checked, await statRegularFile(path));
  const result = await digestFileWith(opts.engine ?? defaultEngine(), path, {
    leafSize: checked.leafSize,
    sha256: checked.contentSha256 !== null,
    threads: opts.threads,
    onProgress: opts.onProgress,
  });
  checkSealedSize(checked, result.size);
  checkSealedDigests(checked, result.digest, result.sha256);
  return checked;
}
