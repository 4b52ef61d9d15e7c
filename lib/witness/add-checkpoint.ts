// C2SP tlog-witness `add-checkpoint` (SPEC §8): parse a request body and check it in the SPEC's
// order against the logs the witness trusts and the (size, root) it last cosigned per origin.
// The decision is synchronous after the signature check, so two requests never both pass against
// the same state; the caller persists the new state before it answers 200.
import { decodeBase64 } from '../wasm/base64.js';
import { type NotePublicKey, STD_BASE64, type Sha256, type VerifyEd25519 } from '../audit/format/checkpoint-note.js';
import { parseCheckpointV2, verifyCheckpointV2, type CheckpointV2 } from '../audit/tlog/checkpoint.js';
import { emptyRoot, verifyConsistency } from '../audit/tlog/tree.js';
import { constantTimeEqual } from '../formats/constant-time.js';

/** Bodies above this are refused with 400 (SPEC §8). */
export const MAX_BODY_BYTES = 64 * 1024;
/** At most this many consistency-proof lines (SPEC §8). */
export const MAX_PROOF_LINES = 63;

/** What a witness remembers of one origin: the size and root it last cosigned. */
export interface CosignedState {
  size: number;
  root: Uint8Array;
}

/** A parsed request body. */
export interface AddCheckpointRequest {
  old: number;
  proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  note: string;
}

/** The answer to give: status, body, and (on 409) the size content type. */
export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  body: string;
  contentType: string;
  /** On 200: the checkpoint to cosign, and when its state is on disk (answer only after). */
  accept?: { checkpoint: CheckpointV2; durable: Promise<void> };
}

/** Thrown by {@link parseAddCheckpointBody}: the body is malformed (answered 400). */
export class MalformedRequest extends Error {}

const OLD_LINE = /^old (0|[1-9][0-9]{0,15})$/;

/** `old <m>` LF, proof lines, an empty line, the note. Throws {@link MalformedRequest}. */
export function parseAddCheckpointBody(text: string): AddCheckpointRequest {
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw new MalformedRequest('the body has no empty line before the checkpoint');
  const head = text.slice(0, blank).split('\n');
  const old = OLD_LINE.exec(head[0]!);
  if (!old || !Number.isSafeInteger(Number(old[1]))) throw new MalformedRequest('the first line must be "old <size>"');
  const proofLines = head.slice(1);
  if (proofLines.length > MAX_PROOF_LINES)
    throw new MalformedRequest(`the proof has ${proofLines.length} lines; at most ${MAX_PROOF_LINES}`);
  const proof = proofLines.map((line, i) => {
    if (line.length !== 44 || !STD_BASE64.test(line))
      throw new MalformedRequest(`proof line ${i + 1} is not standard base64 of 32 bytes`);
    return decodeBase64(line);
  });
  return { old: Number(old[1]), proof, note: text.slice(blank + 2) };
}

/** What the check needs: the trusted log keys by origin, the witness's state, SHA-256. */
export interface WitnessPolicy {
  logs: ReadonlyMap<string, NotePublicKey>;
  stateOf(origin: string): CosignedState | undefined;
  /**
   * Record a new state. Called synchronously inside the decision, so the next request already
   * sees it; returns when it is durable.
   */
  record(origin: string, state: CosignedState): Promise<void>;
  /** Resolves when every state recorded so far is durable. */
  settled(): Promise<void>;
  sha256: Sha256;
  /** Ed25519 verification (default: WebCrypto). */
  verifyEd25519?: VerifyEd25519;
}

const text = (status: WitnessAnswer['status'], body: string): WitnessAnswer => ({
  status,
  body: body.endsWith('\n') ? body : `${body}\n`,
  contentType: 'text/plain; charset=utf-8',
});

/**
 * The SPEC §8 checks in order: 400 malformed, 404 unknown origin, 403 no trusted signature, 400 old
 * beyond the size, 409 old is not the size last cosigned, 422 proof or fork; else 200 with `accept`.
 */
export async function checkAddCheckpoint(body: string, policy: WitnessPolicy): Promise<WitnessAnswer> {
  let request: AddCheckpointRequest;
  let cp: CheckpointV2;
  try {
    request = parseAddCheckpointBody(body);
    cp = parseCheckpointV2(request.note);
  } catch (err) {
    return text(400, `malformed request: ${(err as Error).message}`);
  }
  const logKey = policy.logs.get(cp.origin);
  if (logKey === undefined) return text(404, `unknown origin ${cp.origin}`);
  const verdict = await verifyCheckpointV2(request.note, {
    logKey,
    witnesses: [],
    quorum: 0,
    sha256: policy.sha256,
    ...(policy.verifyEd25519 ? { verifyEd25519: policy.verifyEd25519 } : {}),
  });
  if (!verdict.ok) return text(403, verdict.detail);
  return decide(request, cp, policy);
}

/** Synchronous: reads the state, decides and records, so concurrent requests are serialised here. */
function decide(request: AddCheckpointRequest, cp: CheckpointV2, policy: WitnessPolicy): WitnessAnswer {
  const { old, proof } = request;
  if (old > cp.size) return text(400, `old size ${old} is beyond the checkpoint's size ${cp.size}`);
  const last = policy.stateOf(cp.origin);
  const lastSize = last?.size ?? 0;
  if (old !== lastSize) return { status: 409, body: `${lastSize}\n`, contentType: 'text/x.tlog.size' };
  if (cp.size === 0 && !constantTimeEqual(cp.root, emptyRoot(policy.sha256)))
    return text(422, 'a checkpoint of size 0 must carry the empty tree root');
  const oldRoot = last?.root ?? emptyRoot(policy.sha256);
  if (!verifyConsistency(policy.sha256, old, cp.size, oldRoot, cp.root, proof))
    return text(
      422,
      old === cp.size
        ? `the root differs from the one cosigned at size ${old}`
        : `the consistency proof from size ${old} to ${cp.size} does not verify`,
    );
  const durable = cp.size === lastSize ? policy.settled() : policy.record(cp.origin, { size: cp.size, root: cp.root });
  return { status: 200, body: '', contentType: 'text/plain; charset=utf-8', accept: { checkpoint: cp, durable } };
}
