// verifyRecordProof: a `.tlog-proof` file checked offline with the log's public key (and trusted
// witnesses' keys with a quorum), as `audit verify-proof` and the page do. Browser-safe: SHA-256 is
// the WASM core's unless the caller passes one; Ed25519 is Web Crypto's.
import { InvalidArgumentError } from '../../errors.js';
import { parseNotePublicKey, type Sha256, type VerifyEd25519 } from '../format/checkpoint-note.js';
import { sha256HexFrom } from '../verify/chain-verifier.js';
import { loadWasm } from '../../wasm/load.js';
import { parseWitnessKey } from './checkpoint.js';
import { type RecordProofVerdict, verifyRecordProofText } from './proof-file.js';
import { assertObject } from '../../formats/args.js';

/** Keys and crypto for {@link verifyRecordProof}. */
export interface VerifyRecordProofOptions {
  /** The log's Ed25519 public key: SPKI PEM or a C2SP verifier key. */
  publicKey: string;
  /** Trusted witnesses' public keys (SPKI PEM or C2SP verifier keys). */
  witnessKeys?: string[];
  /** How many of them must have cosigned (default: all given). */
  quorum?: number;
  /** SHA-256 (default: the embedded WASM core's). */
  sha256?: Sha256;
  /** Ed25519 verification (default: Web Crypto). */
  verifyEd25519?: VerifyEd25519;
}

/**
 * Verify a SPEC §8 inclusion proof (C2SP tlog-proof@v1) offline: checkpoint origin and log
 * signature, witness cosignatures against the quorum, the record it carries, the audit path. Bad
 * keys throw KeyError (E_KEY); a bad proof never throws: the verdict says `ok: false`, the reason
 * and the detail. On success the verdict carries the proven record.
 */
export async function verifyRecordProof(
  proof: string | Uint8Array,
  opts: VerifyRecordProofOptions,
): Promise<RecordProofVerdict> {
  if (typeof proof !== 'string' && !(proof instanceof Uint8Array))
    throw new InvalidArgumentError('proof', 'must be the .tlog-proof text or its bytes');
  assertObject(opts, 'options');
  const sha256 = opts.sha256 ?? (await wasmSha256());
  const logKey = parseNotePublicKey(opts.publicKey, sha256, 'publicKey');
  const witnesses = (opts.witnessKeys ?? []).map((w, i) => parseWitnessKey(w, sha256, `witnessKeys[${i}]`));
  const quorum = opts.quorum ?? witnesses.length;
  if (!Number.isSafeInteger(quorum) || quorum < 0 || quorum > witnesses.length)
    throw new InvalidArgumentError(
      'quorum',
      `must be an integer from 0 to the number of witness keys (${witnesses.length})`,
    );
  let text: string;
  try {
    text = typeof proof === 'string' ? proof : new TextDecoder('utf-8', { fatal: true }).decode(proof);
  } catch {
    return { ok: false, reason: 'malformed', detail: 'the proof is not UTF-8 text' };
  }
  return verifyRecordProofText(text, {
    logKey,
    witnesses,
    quorum,
    sha256,
    sha256Hex: sha256HexFrom(sha256),
    ...(opts.verifyEd25519 ? { verifyEd25519: opts.verifyEd25519 } : {}),
  });
}

async function wasmSha256(): Promise<Sha256> {
  const wasm = await loadWasm();
  return (bytes) => wasm.sha256(bytes);
}
