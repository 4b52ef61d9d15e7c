// One service's verdict from the stream (SPEC §7): its chain checked by the same verifier as a
// directory (and its SPEC §6 seals with the verification key), the newest checkpoint whose
// signature verified and whose record the chain reaches, and everything after that record
// reported as an unauthenticated tail (count, first and last ts), never as verified.
import type { NatsConnection } from '@nats-io/transport-node';
import type { VerificationKey } from '../audit/format/verification-key.js';
import type { AuditVerifyError } from '../audit/verify/chain-verifier.js';
import { verifySubject, type SubjectVerdict } from './line-verifier.js';
import type { ServiceNotes, TrustedCheckpoint } from './note-trust.js';
import { leafHash, TreeFrontier } from '../audit/tlog/tree.js';
import { encodeBase64 } from '../wasm/base64.js';
import { nodeSealingCrypto } from '../audit/write/node-crypto.js';
import { hexToBytes } from '../audit/tlog/proof-file.js';
import { recordAt } from './stored-record.js';
import { auditSubject } from './subjects.js';

/** Records no verified checkpoint covers: how many, and the ts of the first and last. */
export interface UnauthenticatedTail {
  count: number;
  firstTs: string | null;
  lastTs: string | null;
}

export interface ServiceVerdict extends Omit<SubjectVerdict, 'firstError' | 'firstErrorStreamSeq'> {
  service: string;
  subject: string;
  /** True when the chain's links, hashes and seals hold and no verified checkpoint contradicts it (not: that every record is signed). */
  intact: boolean;
  /** Seq ranges missing between the records the stream holds (from the records' own seq numbers). */
  gaps: { from: number; to: number }[];
  /** message = 1-based position on the subject; streamSeq = the message's stream sequence. */
  firstError?: Omit<AuditVerifyError, 'reason'> & {
    reason: AuditVerifyError['reason'] | 'service mismatch';
    message: number;
    streamSeq: number;
  };
  /** Records up to seq verifiedSize − 1 are covered by a checkpoint whose signature verified (0: none). */
  verifiedSize: number;
  /** The checkpoint that covers them. */
  verifiedBy: (TrustedCheckpoint & { consistent: true }) | null;
  unauthenticatedTail: UnauthenticatedTail;
  /** Notes on vram.checkpoint.<service>: how many verified, how many of those the chain matches, and the ignored rest. */
  checkpoints: {
    count: number;
    verified: number;
    consistent: number;
    unverified: ServiceNotes['unverified'];
    firstProblem?: string;
  };
}

interface Match {
  note: TrustedCheckpoint;
  message: number;
}

/** What the first pass over a subject sees beside the chain: gaps, service names, checkpoint matches, timestamps. */
class SubjectObserver {
  readonly gaps: ServiceVerdict['gaps'] = [];
  readonly problems: string[] = [];
  readonly matches: Match[] = [];
  /** message n → ts of message n + 1 (after a checkpoint matched at n). */
  readonly tsAfter = new Map<number, string>();
  lastTs: string | null = null;
  firstTs: string | null = null;
  foreign: ServiceVerdict['firstError'] | null = null;
  private expected: number | null = null;
  private readonly wanted = new Map<number, TrustedCheckpoint[]>();
  /** The SPEC §8 tree over the records in order, for v2 notes (which claim a root, not a hash). */
  private readonly tree = new TreeFrontier(nodeSealingCrypto.sha256);

  constructor(
    private readonly service: string,
    private readonly subject: string,
    trusted: TrustedCheckpoint[],
  ) {
    for (const c of trusted) this.wanted.set(c.size - 1, [...(this.wanted.get(c.size - 1) ?? []), c]);
  }

  look(data: Uint8Array, streamSeq: number, n: number): void {
    const place = recordAt(data);
    if (!place) return;
    if (this.tsAfter.get(n - 1) === '') this.tsAfter.set(n - 1, place.ts);
    this.firstTs ??= place.ts;
    this.lastTs = place.ts;
    if (place.service !== this.service && !this.foreign) {
      this.foreign = {
        file: this.subject,
        line: n,
        message: n,
        streamSeq,
        reason: 'service mismatch',
        detail: `record ${place.seq} names service "${place.service}" on the subject of "${this.service}"`,
      };
    }
    if (this.expected !== null && place.seq > this.expected) this.gaps.push({ from: this.expected, to: place.seq - 1 });
    this.expected = Math.max(this.expected ?? 0, place.seq + 1);
    if (place.seq === this.tree.size) this.tree.append(leafHash(nodeSealingCrypto.sha256, hexToBytes(place.hash)));
    for (const c of this.wanted.get(place.seq) ?? []) {
      if (c.root !== null ? !this.#rootMatches(c) : c.hash !== place.hash) {
        this.problems.push(
          c.root !== null
            ? `the verified checkpoint of size ${c.size} (stream sequence ${c.streamSeq}) names another Merkle root than the records 0 … ${place.seq} on the stream`
            : `the verified checkpoint of size ${c.size} (stream sequence ${c.streamSeq}) names another hash for seq ${place.seq}`,
        );
        continue;
      }
      this.matches.push({ note: c, message: n });
      this.tsAfter.set(n, '');
    }
  }

  /** A v2 note's root against the tree of the records seen so far (only in order, without gaps). */
  #rootMatches(c: TrustedCheckpoint): boolean {
    return this.tree.size === c.size && encodeBase64(this.tree.root()) === c.root;
  }
}

/** The verdict for one service: chain, verified prefix and unauthenticated tail. */
export async function verifyService(
  nc: NatsConnection,
  stream: string,
  service: string,
  count: number,
  notes: ServiceNotes,
  vkey: VerificationKey | null,
  now: number | undefined,
  acceptStale = false,
): Promise<ServiceVerdict> {
  const subject = auditSubject(service);
  const seen = new SubjectObserver(service, subject, notes.trusted);
  const verdict = await verifySubject(
    { nc, stream, subject, count, look: (m, n) => seen.look(m.data, m.streamSeq, n) },
    {
      ...(vkey ? { verificationKey: vkey } : {}),
      ...(now !== undefined ? { now } : {}),
      ...(acceptStale ? { acceptStale } : {}),
    },
  );
  const problems = seen.problems;
  const reached = verdict.head?.seq ?? -1;
  for (const c of notes.trusted)
    if (c.size - 1 > reached)
      problems.push(
        `the verified checkpoint of size ${c.size} reaches past the last record on the stream (seq ${reached}): truncated`,
      );
  const { firstError: e, firstErrorStreamSeq, ...rest } = verdict;
  let firstError: ServiceVerdict['firstError'] = e
    ? { ...e, message: e.line, streamSeq: firstErrorStreamSeq ?? 0 }
    : undefined;
  let summary = verdict.summary;
  const wrong = seen.foreign;
  if (wrong && (!firstError || firstError.line === 0 || wrong.message <= firstError.message)) {
    firstError = wrong;
    summary = `broken at message ${wrong.message} of ${subject} (stream sequence ${wrong.streamSeq}): service mismatch (${wrong.detail})`;
  }
  // A checkpoint verifies the records up to its own only where the chain up to it holds.
  const good = seen.matches.filter((m) => !firstError || firstError.line === 0 || m.message < firstError.message);
  const best = good.reduce<Match | null>((a, m) => (a && a.note.size >= m.note.size ? a : m), null);
  const tailCount = count - (best?.message ?? 0);
  const unauthenticatedTail: UnauthenticatedTail = {
    count: tailCount,
    firstTs: tailCount === 0 ? null : best ? seen.tsAfter.get(best.message) || null : seen.firstTs,
    lastTs: tailCount === 0 ? null : seen.lastTs,
  };
  if (count === 0) summary = `no records on ${subject}`;
  const intact = verdict.intact && !firstError && count > 0 && problems.length === 0;
  return {
    ...rest,
    intact,
    service,
    subject,
    gaps: seen.gaps,
    ...(firstError ? { firstError } : {}),
    summary,
    verifiedSize: best?.note.size ?? 0,
    verifiedBy: best ? { ...best.note, consistent: true } : null,
    unauthenticatedTail,
    checkpoints: {
      count: notes.trusted.length + notes.unverified.count,
      verified: notes.trusted.length,
      consistent: good.length,
      unverified: notes.unverified,
      ...(problems[0] ? { firstProblem: problems[0] } : {}),
    },
  };
}
