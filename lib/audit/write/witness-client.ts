// The writer's side of C2SP tlog-witness: POST a checkpoint with the consistency proof from the
// size the witness last cosigned, learn that size from a 409 and retry once, and keep only
// cosignature lines that verify under the witness's key (SPEC §8).
import type { NotePublicKey, Sha256 } from '../format/checkpoint-note.js';
import { addSignatureLines, verifyCheckpointV2 } from '../tlog/checkpoint.js';
import { encodeBase64 } from '../../wasm/base64.js';

/** A witness the writer asks to cosign: where, its key name, its Ed25519 public key. */
export interface WitnessEndpoint {
  url: string;
  name: string;
  publicKey: NotePublicKey;
}

/** The outcome of one cosigning request. */
export type CosignOutcome =
  | { ok: true; witness: string; line: string; size: number }
  | { ok: false; witness: string; status: number | null; reason: string; size?: number };

/** What a request needs besides the witness. */
export interface CosignRequest {
  /** The signed v2 note. */
  note: string;
  size: number;
  /** The size the witness is believed to have cosigned last (0 when unknown). */
  old: number;
  /** The consistency proof from size m to `size`; null when the writer cannot make it. */
  proofFrom(m: number): Uint8Array[] | null;
  /** The log's own key, to check the returned cosignature against the note. */
  logKey: NotePublicKey;
  sha256: Sha256;
  timeoutMs?: number;
}

const SIZE_BODY = /^(0|[1-9][0-9]{0,15})\n?$/;

/** Ask one witness to cosign; never throws (network errors are an outcome with status null). */
export async function requestCosignature(witness: WitnessEndpoint, req: CosignRequest): Promise<CosignOutcome> {
  let old = req.old;
  for (let attempt = 0; attempt < 2; attempt++) {
    const proof = req.proofFrom(old);
    if (proof === null) return refused(witness, null, `cannot prove consistency from size ${old}`, old);
    const body = `old ${old}\n${proof.map((h) => `${encodeBase64(h)}\n`).join('')}\n${req.note}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${witness.url.replace(/\/+$/, '')}/add-checkpoint`, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
      });
      text = await res.text();
    } catch (err) {
      return refused(witness, null, `unreachable: ${(err as Error).message}`);
    }
    if (res.status === 409 && attempt === 0 && SIZE_BODY.test(text)) {
      old = Number(text.trim());
      if (old > req.size) return refused(witness, 409, `the witness has cosigned size ${old}, beyond ${req.size}`, old);
      continue;
    }
    if (res.status !== 200) return refused(witness, res.status, firstLine(text), res.status === 409 ? old : undefined);
    return checkCosignature(witness, req, text);
  }
  return refused(witness, 409, 'the witness answered 409 twice');
}

async function checkCosignature(witness: WitnessEndpoint, req: CosignRequest, text: string): Promise<CosignOutcome> {
  const lines = text.split('\n').filter((l) => l.startsWith(`\u2014 ${witness.name} `));
  for (const line of lines) {
    const verdict = await verifyCheckpointV2(addSignatureLines(req.note, [line]), {
      logKey: req.logKey,
      witnesses: [witness.publicKey],
      quorum: 1,
      sha256: req.sha256,
    });
    if (verdict.ok) return { ok: true, witness: witness.name, line: `${line}\n`, size: req.size };
  }
  return refused(witness, 200, 'the answer holds no cosignature that verifies under the witness key');
}

function refused(witness: WitnessEndpoint, status: number | null, reason: string, size?: number): CosignOutcome {
  return { ok: false, witness: witness.name, status, reason, ...(size === undefined ? {} : { size }) };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200) || '(empty answer)';
}
