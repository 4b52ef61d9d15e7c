// Central verification (SPEC §7): every service's chain checked from the stream alone, with the
// same verifier as a directory (and its SPEC §6 checks when keys are given). Per service: records,
// head, gaps (seq ranges the stream lacks), the first failure with its stream sequence, and the
// checkpoints published beside the chain.
import { assertObject, assertString } from '../formats/args.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { InvalidArgumentError } from '../errors.js';
import { parseVerificationKey, type VerificationKey } from '../audit/format/verification-key.js';
import type { AuditVerifyError } from '../audit/verify/chain-verifier.js';
import { openNats, parseNatsUrls } from './connect.js';
import { checkpointClaim, type CheckpointClaim } from './checkpoint.js';
import { verifySubject, type SubjectVerdict } from './line-verifier.js';
import { ensureAuditStream, openManager, subjectCounts } from './stream.js';
import { subjectMessages } from './stream-records.js';
import {
  AUDIT_PREFIX,
  assertStreamName,
  auditSubject,
  checkpointSubject,
  DEFAULT_STREAM,
  serviceOfSubject,
} from './subjects.js';
import { recordAt } from './stored-record.js';

export interface FleetVerifyOptions {
  /** nats://host:port, or several comma-separated (a cluster). */
  nats: string;
  /** The JetStream stream (default `VRAM_AUDIT`); a missing stream is E_FLEET_STREAM_CONFIG. */
  stream?: string;
  /** Only these services (default: every service with records in the stream). */
  services?: string[];
  /** SPEC §6 verification key (JSON text): the seals of its service are checked. */
  verificationKey?: string;
  /** Ed25519 public key of the checkpoint signer: each service's newest checkpoint in the stream is checked with it. */
  publicKey?: string;
  /** The verifier's clock for staleness (ms since the Unix epoch). */
  now?: number;
}

export interface ServiceVerdict extends Omit<SubjectVerdict, 'firstError' | 'firstErrorStreamSeq'> {
  service: string;
  subject: string;
  /** Seq ranges missing between the records the stream holds (from the records' own seq numbers). */
  gaps: { from: number; to: number }[];
  /** message = 1-based position on the subject; streamSeq = the message's stream sequence. */
  firstError?: Omit<AuditVerifyError, 'reason'> & {
    reason: AuditVerifyError['reason'] | 'service mismatch';
    message: number;
    streamSeq: number;
  };
  /** Every checkpoint note on vram.checkpoint.<service>, its claim held against the chain. */
  checkpoints: { count: number; consistent: number; firstProblem?: string };
}

export interface FleetVerifyResult {
  stream: string;
  intact: boolean;
  services: ServiceVerdict[];
}

/**
 * Central verification from the stream alone (SPEC §7): every service's chain checked by the
 * same verifier as a directory (with its SPEC §6 seals and checkpoints when keys are given), with
 * the gaps the stream lacks and the checkpoints published beside it, per service.
 */
export async function verifyFleet(opts: FleetVerifyOptions): Promise<FleetVerifyResult> {
  assertObject(opts, 'options');
  assertString(opts.nats, 'nats');
  const urls = parseNatsUrls(opts.nats);
  const stream = assertStreamName(opts.stream ?? DEFAULT_STREAM);
  for (const s of opts.services ?? []) auditSubject(s); // a clear E_ARG before connecting
  const vkey = opts.verificationKey === undefined ? null : parseVerificationKey(opts.verificationKey, '--vkey');
  const nc = await openNats(urls, { name: 'vram-residency audit verify' });
  try {
    const jsm = await openManager(nc, urls.join(','));
    await ensureAuditStream(jsm, { name: stream, create: false });
    const counts = await subjectCounts(jsm, stream, `${AUDIT_PREFIX}>`);
    const notes = await subjectCounts(jsm, stream, 'vram.checkpoint.>');
    const services =
      opts.services ??
      Object.keys(counts)
        .map((s) => serviceOfSubject(s)!)
        .sort();
    if (services.length === 0)
      throw new InvalidArgumentError('--nats', `stream ${stream} holds no audit records (nothing on ${AUDIT_PREFIX}>)`);
    if (vkey && !services.includes(vkey.service))
      throw new InvalidArgumentError(
        '--vkey',
        `is the key of service "${vkey.service}", which is not among the services verified`,
      );
    const verdicts: ServiceVerdict[] = [];
    for (const service of services) {
      const subject = auditSubject(service);
      const claims = await readCheckpoints(nc, stream, service, notes[checkpointSubject(service)] ?? 0);
      verdicts.push(
        await verifyService(
          nc,
          stream,
          service,
          counts[subject] ?? 0,
          claims,
          vkey?.service === service ? vkey : null,
          opts,
        ),
      );
    }
    return { stream, intact: verdicts.every((v) => v.intact), services: verdicts };
  } finally {
    await nc.close().catch(() => {});
  }
}

interface Checkpoints {
  claims: CheckpointClaim[];
  problems: string[];
}

async function readCheckpoints(
  nc: NatsConnection,
  stream: string,
  service: string,
  count: number,
): Promise<Checkpoints> {
  const out: Checkpoints = { claims: [], problems: [] };
  for await (const m of subjectMessages(nc, stream, checkpointSubject(service), count)) {
    const claim = checkpointClaim(Buffer.from(m.data).toString('utf8'), service);
    if (typeof claim === 'string') out.problems.push(`message ${m.streamSeq}: ${claim}`);
    else out.claims.push(claim);
  }
  return out;
}

async function verifyService(
  nc: NatsConnection,
  stream: string,
  service: string,
  count: number,
  notes: Checkpoints,
  vkey: VerificationKey | null,
  opts: FleetVerifyOptions,
): Promise<ServiceVerdict> {
  const subject = auditSubject(service);
  const wanted = new Map<number, CheckpointClaim[]>();
  for (const c of notes.claims) wanted.set(c.size - 1, [...(wanted.get(c.size - 1) ?? []), c]);
  const gaps: ServiceVerdict['gaps'] = [];
  const problems = [...notes.problems];
  let consistent = 0;
  let expected: number | null = null;
  let foreign: ServiceVerdict['firstError'] | null = null;
  const newest = notes.claims.reduce<CheckpointClaim | null>((a, c) => (a && a.size >= c.size ? a : c), null);
  const verdict = await verifySubject(
    {
      nc,
      stream,
      subject,
      count,
      look: ({ data, streamSeq }, n) => {
        const place = recordAt(data);
        if (!place) return;
        if (place.service !== service && !foreign) {
          foreign = {
            file: subject,
            line: n,
            message: n,
            streamSeq,
            reason: 'service mismatch',
            detail: `record ${place.seq} names service "${place.service}" on the subject of "${service}"`,
          };
        }
        if (expected !== null && place.seq > expected) gaps.push({ from: expected, to: place.seq - 1 });
        expected = Math.max(expected ?? 0, place.seq + 1);
        for (const c of wanted.get(place.seq) ?? []) {
          if (c.hash === place.hash) consistent++;
          else problems.push(`the checkpoint of size ${c.size} names another hash for seq ${place.seq}`);
        }
      },
    },
    {
      ...(vkey ? { verificationKey: vkey } : {}),
      ...(opts.publicKey !== undefined && newest
        ? {
            publicKey: opts.publicKey,
            checkpoint: { name: `${checkpointSubject(service)} (size ${newest.size})`, text: newest.text },
          }
        : {}),
      ...(opts.now !== undefined ? { now: opts.now } : {}),
    },
  );
  const reached = verdict.head?.seq ?? -1;
  for (const c of notes.claims)
    if (c.size - 1 > reached)
      problems.push(`the checkpoint of size ${c.size} reaches past the last intact record (seq ${reached}): truncated`);
  const { firstError: e, firstErrorStreamSeq, ...rest } = verdict;
  let firstError: ServiceVerdict['firstError'] = e
    ? { ...e, message: e.line, streamSeq: firstErrorStreamSeq ?? 0 }
    : undefined;
  let summary = verdict.summary;
  const wrong = foreign as ServiceVerdict['firstError'] | null; // set inside the callback
  if (wrong && (!firstError || firstError.line === 0 || wrong.message <= firstError.message)) {
    firstError = wrong;
    summary = `broken at message ${wrong.message} of ${subject} (stream sequence ${wrong.streamSeq}): service mismatch (${wrong.detail})`;
  }
  if (count === 0) summary = `no records on ${subject}`;
  const checkpoints = {
    count: notes.claims.length + notes.problems.length,
    consistent,
    ...(problems[0] ? { firstProblem: problems[0] } : {}),
  };
  const intact = verdict.intact && !firstError && count > 0 && problems.length === 0;
  return { ...rest, intact, service, subject, gaps, ...(firstError ? { firstError } : {}), summary, checkpoints };
}
