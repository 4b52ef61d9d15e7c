// A `.tlog-proof` (C2SP tlog-proof@v1, SPEC §8) checked in the page with the SDK's own
// browser-safe verifier (verifyRecordProof: WASM SHA-256, Web Crypto Ed25519): the page only reads
// the files, catches the input mistakes it can name in its own words, and maps the verdict onto the
// SPEC §8 checks in their order.
import { MAX_PROOF_BYTES, type RecordProofVerdict, verifyRecordProof } from '../lib/browser/internal.js';
import type { CheckSpec } from './checks-view.js';
import { InputProblem } from './input-problems.js';

/** SPEC §8's verification order, each with the reasons it fails with. */
export const PROOF_CHECKS: readonly (CheckSpec & { reasons: readonly string[] })[] = [
  { id: 'shape', title: 'Proof file and checkpoint are well-formed', reason: 'malformed', reasons: ['malformed'] },
  {
    id: 'origin',
    title: 'The checkpoint is an audit log checkpoint (origin)',
    reason: 'wrong origin',
    reasons: ['wrong origin'],
  },
  {
    id: 'signature',
    title: 'The log’s key signed the checkpoint',
    reason: 'log signature invalid',
    reasons: ['log signature invalid'],
  },
  {
    id: 'witnesses',
    title: 'Trusted witnesses’ cosignatures verify and meet the quorum',
    reason: 'quorum not met',
    reasons: ['cosignature invalid', 'quorum not met'],
  },
  {
    id: 'record',
    title: 'The record in the proof is valid and its hash recomputes',
    reason: 'record hash mismatch',
    reasons: ['no record', 'record invalid', 'record hash mismatch'],
  },
  {
    id: 'place',
    title: 'The record is this log’s, at the proof’s index',
    reason: 'index mismatch',
    reasons: ['service mismatch', 'index mismatch'],
  },
  {
    id: 'inclusion',
    title: 'The audit path leads to the checkpoint’s root',
    reason: 'inclusion proof invalid',
    reasons: ['inclusion proof invalid'],
  },
];

/** The check a SPEC §8 failure reason belongs to. */
export function checkOfReason(reason: string): string {
  return PROOF_CHECKS.find((c) => c.reasons.includes(reason))?.id ?? 'shape';
}

export interface ProofInputs {
  proof: File;
  publicKey: File;
  witnessKeys: File[];
  /** As typed; empty means every witness key given. */
  quorum: string;
}

export interface ProofRun {
  verdict: RecordProofVerdict;
  quorum: number;
}

/** A private key where a public one is asked for (PEM, or a C2SP note signer key), said before anything runs. */
function privateKeyProblem(text: string, name: string): string | null {
  if (/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text) || /^\s*PRIVATE\+KEY\+/.test(text))
    return `${name} is a private key. Choose the matching public key (the .pub or verifier key file) — and keep the private key to yourself.`;
  return null;
}

function parseQuorum(typed: string, witnesses: number): number {
  if (typed.trim() === '') return witnesses;
  const n = Number(typed);
  if (!Number.isSafeInteger(n) || n < 0 || n > witnesses)
    throw new InputProblem(
      `The quorum is how many of the chosen witness keys must have cosigned: a whole number from 0 to ${witnesses}.`,
    );
  return n;
}

/**
 * Reads the files and verifies the proof. Input mistakes throw (InputProblem, or the library's
 * KeyError renamed to the file it came from); a proof that does not verify is a verdict, not a throw.
 */
export async function verifyProofFiles(inputs: ProofInputs): Promise<ProofRun> {
  const keyFiles = [inputs.publicKey, ...inputs.witnessKeys];
  const keys = await Promise.all(keyFiles.map((f) => f.text()));
  keys.forEach((text, i) => {
    const problem = privateKeyProblem(text, keyFiles[i]!.name);
    if (problem) throw new InputProblem(problem);
  });
  const quorum = parseQuorum(inputs.quorum, inputs.witnessKeys.length);
  if (inputs.proof.size > MAX_PROOF_BYTES)
    return {
      quorum,
      verdict: { ok: false, reason: 'malformed', detail: `the proof is over ${MAX_PROOF_BYTES} bytes` },
    };
  const proof = new Uint8Array(await inputs.proof.arrayBuffer());
  try {
    const verdict = await verifyRecordProof(proof, { publicKey: keys[0]!, witnessKeys: keys.slice(1), quorum });
    return { verdict, quorum };
  } catch (error) {
    const e = error as { code?: unknown; argument?: unknown; message?: unknown };
    if (e?.code === 'E_KEY' && typeof e.argument === 'string' && typeof e.message === 'string') {
      const witness = /^witnessKeys\[(\d+)\]$/.exec(e.argument);
      const file = witness ? inputs.witnessKeys[Number(witness[1])] : inputs.publicKey;
      const what = witness ? 'The witness key' : 'The log’s public key';
      const plain = e.message.slice(e.argument.length + 2);
      const why = /^(is|must) /.test(plain) ? `it ${plain}` : plain;
      throw new InputProblem(`${what} ${file?.name ?? ''} cannot be used: ${why}.`);
    }
    throw error;
  }
}
