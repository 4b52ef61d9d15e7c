// Seal checks that need nothing but the WASM module: a record alone, whole bytes, or a byte
// stream fed in chunks (e.g. a fetch() body in a browser). Exported by the browser entry too.
import { assertBytes, assertObject } from '../formats/args.js';
import { loadWasm } from '../wasm/load.js';
import { checkSealRecord, checkSealedDigests, checkSealedSize } from './check.js';
import type { SealRecord } from '../formats/seal-record.js';

export interface TokenOption {
  /** The worker token the record was sealed under (never logged or echoed). */
  token: string;
}

/** Shape, kid and MAC per SPEC §3. Resolves with the typed record; rejects with the SPEC reason. */
export async function verifySealRecord(record: unknown, opts: TokenOption): Promise<SealRecord> {
  assertObject(opts, 'options');
  const key = (await loadWasm()).sealKey(opts.token);
  try {
    return checkSealRecord(record, key);
  } finally {
    key.dispose();
  }
}

export interface SealedStreamVerifier {
  /** Feed the next chunk of the sealed bytes, in order. */
  update(chunk: Uint8Array): void;
  /** All bytes given: checks size, tree digest and SHA-256; returns the record or throws the SPEC reason. */
  finish(): SealRecord;
}

/** Checks the record first (so a wrong token fails before any hashing), then hashes a stream. */
export async function createSealedStreamVerifier(record: unknown, opts: TokenOption): Promise<SealedStreamVerifier> {
  assertObject(opts, 'options');
  const checked = await verifySealRecord(record, opts);
  const wasm = await loadWasm();
  const mth = wasm.createMth(checked.leafSize);
  const sha = checked.contentSha256 !== null ? wasm.createSha256() : null;
  let size = 0;
  return {
    update(chunk: Uint8Array) {
      mth.update(chunk);
      sha?.update(chunk);
      size += chunk.length;
    },
    finish() {
      checkSealedSize(checked, size);
      checkSealedDigests(checked, mth.digest(), sha ? sha.digest() : null);
      return checked;
    },
  };
}

/** Everything SPEC §3 checks, on bytes in memory. */
export async function verifySealedBytes(bytes: Uint8Array, record: unknown, opts: TokenOption): Promise<SealRecord> {
  assertBytes(bytes, 'bytes');
  assertObject(opts, 'options');
  const verifier = await createSealedStreamVerifier(record, opts);
  verifier.update(bytes);
  return verifier.finish();
}
