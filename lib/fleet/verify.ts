// Central verification (SPEC §7): every service's chain checked from the stream alone, with the
// same verifier as a directory. Per service: records, head, gaps (seq ranges the stream lacks),
// the first failure with its stream sequence, and the checkpoints published beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { InvalidArgumentError } from '../errors.js';
import { openNats, parseNatsUrls } from './connect.js';
import { checkpointClaim, type CheckpointClaim } from './checkpoint.js';
import { verifyStreamLines, type LineVerdict } from './line-verifier.js';
import { ensureAuditStream, openManager, subjectCounts } from './stream.js';
import { subjectMessages } from './stream-records.js';
import { AUDIT_PREFIX, assertStreamName, auditSubject, checkpointSubject, DEFAULT_STREAM, serviceOfSubject } from './subjects.js';
import { recordAt } from './stored-record.js';

export interface FleetVerifyOptions {
  nats: string;
  stream?: string;
  /** Only these services (default: every service with records in the stream). */
  services?: string[];
}

export interface ServiceVerdict extends LineVerdict {
  service: string;
  subject: string;
  /** Seq ranges missing between the records the stream holds (from the records' own seq numbers). */
  gaps: { from: number; to: number }[];
  checkpoints: { count: number; consistent: number; firstProblem?: string };
}

export interface FleetVerifyResult {
  stream: string;
  intact: boolean;
  services: ServiceVerdict[];
}

export async function verifyFleet(opts: FleetVerifyOptions): Promise<FleetVerifyResult> {
  const urls = parseNatsUrls(opts.nats);
  const stream = assertStreamName(opts.stream ?? DEFAULT_STREAM);
  for (const s of opts.services ?? []) auditSubject(s); // a clear E_ARG before connecting
  const nc = await openNats(urls, { name: 'vram-residency audit verify' });
  try {
    const jsm = await openManager(nc, urls.join(','));
    await ensureAuditStream(jsm, { name: stream, create: false });
    const counts = await subjectCounts(jsm, stream, `${AUDIT_PREFIX}>`);
    const notes = await subjectCounts(jsm, stream, 'vram.checkpoint.>');
    const services = opts.services ?? Object.keys(counts).map((s) => serviceOfSubject(s)!).sort();
    if (services.length === 0) throw new InvalidArgumentError('--nats', `stream ${stream} holds no audit records (nothing on ${AUDIT_PREFIX}>)`);
    const verdicts: ServiceVerdict[] = [];
    for (const service of services) {
      const subject = auditSubject(service);
      const claims = await readCheckpoints(nc, stream, service, notes[checkpointSubject(service)] ?? 0);
      verdicts.push(await verifyService(nc, stream, service, subject, counts[subject] ?? 0, claims));
    }
    return { stream, intact: verdicts.every((v) => v.intact), services: verdicts };
  } finally {
    await nc.close().catch(() => {});
  }
}

async function readCheckpoints(nc: NatsConnection, stream: string, service: string, count: number): Promise<{ claims: CheckpointClaim[]; problems: string[] }> {
  const claims: CheckpointClaim[] = [];
  const problems: string[] = [];
  for await (const m of subjectMessages(nc, stream, checkpointSubject(service), count)) {
    const claim = checkpointClaim(Buffer.from(m.data).toString('utf8'), service);
    if (typeof claim === 'string') problems.push(`message ${m.streamSeq}: ${claim}`);
    else claims.push(claim);
  }
  return { claims, problems };
}

async function verifyService(
  nc: NatsConnection,
  stream: string,
  service: string,
  subject: string,
  count: number,
  notes: { claims: CheckpointClaim[]; problems: string[] },
): Promise<ServiceVerdict> {
  const wanted = new Map<number, CheckpointClaim[]>();
  for (const c of notes.claims) wanted.set(c.size - 1, [...(wanted.get(c.size - 1) ?? []), c]);
  const gaps: ServiceVerdict['gaps'] = [];
  const checkpointProblems = [...notes.problems];
  let consistent = 0;
  let expected: number | null = null;
  let n = 0;
  let foreign: LineVerdict['firstError'] | null = null;
  const work = mkdtempSync(join(tmpdir(), 'vr-fleet-verify-'));
  try {
    let verdict = await verifyStreamLines(work, subject, tap(subjectMessages(nc, stream, subject, count), ({ data, streamSeq }) => {
      n++;
      const place = recordAt(data);
      if (!place) return;
      if (place.service !== service && !foreign) {
        foreign = { streamSeq: streamSeq, message: n, reason: 'service mismatch', detail: `record ${place.seq} names service "${place.service}" on the subject of "${service}"` };
      }
      if (expected !== null && place.seq > expected) gaps.push({ from: expected, to: place.seq - 1 });
      expected = Math.max(expected ?? 0, place.seq + 1);
      for (const c of wanted.get(place.seq) ?? []) {
        if (c.hash === place.hash) consistent++;
        else checkpointProblems.push(`checkpoint of size ${c.size} names a different hash for seq ${place.seq}`);
      }
    }));
    const wrong = foreign as LineVerdict['firstError'] | null; // set inside the callback
    if (wrong && (verdict.intact || wrong.message <= verdict.firstError!.message)) {
      verdict = { ...verdict, intact: false, firstError: wrong, summary: `broken at message ${wrong.message} of ${subject} (stream sequence ${wrong.streamSeq}): ${wrong.reason} (${wrong.detail})` };
    }
    const reached = verdict.head?.seq ?? -1;
    for (const c of notes.claims) if (c.size - 1 > reached) checkpointProblems.push(`checkpoint of size ${c.size} is beyond the stream's last intact record (seq ${reached}): truncated`);
    const checkpoints = { count: notes.claims.length + notes.problems.length, consistent, ...(checkpointProblems[0] ? { firstProblem: checkpointProblems[0] } : {}) };
    return { ...verdict, intact: verdict.intact && checkpointProblems.length === 0, service, subject, gaps, checkpoints };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Pass messages through unchanged, looking at each on the way. */
async function* tap<T>(source: AsyncIterable<T>, look: (m: T) => void): AsyncGenerator<T> {
  for await (const m of source) {
    look(m);
    yield m;
  }
}
