// Central verification (SPEC §7): every service's chain checked from the stream alone, with the
// same verifier as a directory (and its SPEC §6 seals when the verification key is given). A
// record counts as verified only up to the newest checkpoint whose signature verified; later
// ones are an unauthenticated tail, judged by a policy (records, age). A subject that names no
// valid service is a finding, and never stops the verdicts of the others.
import { assertObject, assertString } from '../formats/args.js';
import { InvalidArgumentError } from '../errors.js';
import { parseNotePublicKey } from '../audit/format/checkpoint-note.js';
import { parseVerificationKey } from '../audit/format/verification-key.js';
import { nodeSealingCrypto } from '../audit/write/node-crypto.js';
import { openNats, parseNatsUrls, type NatsCredentials } from './connect.js';
import { parseWitnessKey } from '../audit/tlog/checkpoint.js';
import { readServiceNotes, type WitnessTrust } from './note-trust.js';
import { permissionError } from './permissions.js';
import { ensureAuditStream, openManager, subjectCounts } from './stream.js';
import {
  AUDIT_PREFIX,
  assertShippableService,
  assertStreamName,
  auditSubject,
  CHECKPOINT_PREFIX,
  checkpointSubject,
  DEFAULT_STREAM,
} from './subjects.js';
import { verifyService, type ServiceVerdict } from './verify-service.js';

export type { ServiceVerdict, UnauthenticatedTail } from './verify-service.js';

/** How large an unauthenticated tail may be before the verdict fails (unset: any size, reported only). */
export interface TailPolicy {
  /** At most this many records after the newest verified checkpoint. */
  maxRecords?: number;
  /** The oldest record after it at most this old (ms, against `now`). */
  maxAgeMs?: number;
}

export interface FleetVerifyOptions {
  /** nats://host:port, or several comma-separated (a cluster). */
  nats: string;
  /** The verifier's (read-only) NATS identity and TLS. */
  credentials?: NatsCredentials;
  /** The JetStream stream (default `VRAM_AUDIT`); a missing stream is E_FLEET_STREAM_CONFIG. */
  stream?: string;
  /** Only these services (default: every service with records in the stream). */
  services?: string[];
  /** SPEC §6 verification key (JSON text): the seals of its service are checked. */
  verificationKey?: string;
  /** Ed25519 public key of the checkpoint signer: every note on each service's checkpoint subject is checked with it. */
  publicKey?: string;
  /** Trusted witnesses' public keys (PEM or C2SP vkey): a v2 note counts only with `quorum` of their cosignatures. */
  witnessKeys?: string[];
  /** How many of `witnessKeys` must have cosigned a v2 note (default: all given). */
  quorum?: number;
  /** Unauthenticated tail allowed per service. */
  policy?: TailPolicy;
  /** The verifier's clock for staleness and tail age (ms since the Unix epoch). */
  now?: number;
  /** With a verification key: accept unsealed records of long-ended epochs (the writer is known to have stopped). */
  acceptStale?: boolean;
}

/** A service's verdict with the policy applied and its warnings in words. */
export interface FleetServiceResult extends ServiceVerdict {
  /** intact, and its unauthenticated tail within the policy. */
  ok: boolean;
  /** What the text output shows under the service: unsigned tail, unverified notes, unsealed tail, stale. */
  warnings: string[];
}

export interface FleetVerifyResult {
  stream: string;
  /** Every service ok and no foreign subject: the exit status is 0. */
  ok: boolean;
  /** Every chain intact (links, hashes, seals, verified checkpoints); says nothing about unsigned records. */
  intact: boolean;
  services: FleetServiceResult[];
  /** Subjects under vram.audit.> or vram.checkpoint.> that name no valid service. */
  foreign: { subject: string; count: number }[];
  policy: TailPolicy;
}

/** The witness keys and quorum a v2 note must satisfy; null when none are given. */
function witnessTrust(keys: string[] | undefined, quorum: number | undefined): WitnessTrust | null {
  if (keys === undefined || keys.length === 0) {
    if (quorum !== undefined && quorum > 0) throw new InvalidArgumentError('--quorum', 'needs --witness-key');
    return null;
  }
  const parsed = keys.map((k) => parseWitnessKey(k, nodeSealingCrypto.sha256, '--witness-key'));
  const q = quorum ?? parsed.length;
  if (!Number.isSafeInteger(q) || q < 0 || q > parsed.length)
    throw new InvalidArgumentError('--quorum', `must be from 0 to ${parsed.length} (the witness keys given)`);
  return { keys: parsed, quorum: q };
}

function validService(s: string): boolean {
  try {
    assertShippableService(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Central verification from the stream alone (SPEC §7): per service the chain, the newest
 * verified checkpoint it reaches, and the unauthenticated tail after it; foreign subjects apart.
 */
export async function verifyFleet(opts: FleetVerifyOptions): Promise<FleetVerifyResult> {
  assertObject(opts, 'options');
  assertString(opts.nats, 'nats');
  const urls = parseNatsUrls(opts.nats);
  const stream = assertStreamName(opts.stream ?? DEFAULT_STREAM);
  for (const s of opts.services ?? []) auditSubject(s); // a clear E_ARG before connecting
  const vkey = opts.verificationKey === undefined ? null : parseVerificationKey(opts.verificationKey, '--vkey');
  const key =
    opts.publicKey === undefined ? null : parseNotePublicKey(opts.publicKey, nodeSealingCrypto.sha256, '--pubkey');
  const witnesses = witnessTrust(opts.witnessKeys, opts.quorum);
  const policy = opts.policy ?? {};
  const nc = await openNats(urls, { name: 'vram-residency audit verify', credentials: opts.credentials });
  try {
    const jsm = await openManager(nc, urls.join(','));
    await ensureAuditStream(jsm, { name: stream, create: false });
    const counts = await subjectCounts(jsm, stream, `${AUDIT_PREFIX}>`);
    const notes = await subjectCounts(jsm, stream, `${CHECKPOINT_PREFIX}>`);
    const foreign = [
      ...Object.entries(counts).map(([subject, count]) => ({
        subject,
        count,
        service: subject.slice(AUDIT_PREFIX.length),
      })),
      ...Object.entries(notes).map(([subject, count]) => ({
        subject,
        count,
        service: subject.slice(CHECKPOINT_PREFIX.length),
      })),
    ]
      .filter((x) => !validService(x.service))
      .map(({ subject, count }) => ({ subject, count }))
      .sort((a, b) => (a.subject < b.subject ? -1 : 1));
    const services =
      opts.services ??
      Object.keys(counts)
        .map((s) => s.slice(AUDIT_PREFIX.length))
        .filter(validService)
        .sort();
    if (services.length === 0 && foreign.length === 0)
      throw new InvalidArgumentError('--nats', `stream ${stream} holds no audit records (nothing on ${AUDIT_PREFIX}>)`);
    if (vkey && !services.includes(vkey.service))
      throw new InvalidArgumentError(
        '--vkey',
        `is the key of service "${vkey.service}", which is not among the services verified`,
      );
    const now = opts.now ?? Date.now();
    const results: FleetServiceResult[] = [];
    for (const service of services) {
      const noteCount = notes[checkpointSubject(service)] ?? 0;
      const serviceNotes = await readServiceNotes(nc, stream, service, noteCount, key, witnesses);
      const v = await verifyService(
        nc,
        stream,
        service,
        counts[auditSubject(service)] ?? 0,
        serviceNotes,
        vkey?.service === service ? vkey : null,
        now,
        opts.acceptStale === true,
      );
      results.push(judge(v, policy, now, key !== null));
    }
    const intact = results.every((r) => r.intact);
    return {
      stream,
      ok: results.every((r) => r.ok) && foreign.length === 0,
      intact,
      services: results,
      foreign,
      policy,
    };
  } catch (err) {
    throw permissionError(err, 'reading the stream');
  } finally {
    await nc.close().catch(() => {});
  }
}

/** The policy applied to one verdict, and its warnings in words. */
function judge(v: ServiceVerdict, policy: TailPolicy, now: number, haveKey: boolean): FleetServiceResult {
  const warnings: string[] = [];
  const tail = v.unauthenticatedTail;
  let withinPolicy = true;
  if (tail.count > 0) {
    const age = tail.firstTs ? Math.max(0, now - Date.parse(tail.firstTs)) : 0;
    const over: string[] = [];
    if (policy.maxRecords !== undefined && tail.count > policy.maxRecords)
      over.push(`more than ${policy.maxRecords} records`);
    if (policy.maxAgeMs !== undefined && age > policy.maxAgeMs)
      over.push(`older than ${Math.round(policy.maxAgeMs / 1000)} s`);
    withinPolicy = over.length === 0;
    const why = haveKey
      ? 'after the newest checkpoint whose signature verified'
      : 'no --pubkey given, so no checkpoint is trusted';
    warnings.push(
      `unauthenticated tail: ${tail.count} records (ts ${tail.firstTs} … ${tail.lastTs}) no signature covers (${why})${over.length > 0 ? `: over the policy (${over.join(', ')})` : ''}`,
    );
  }
  const u = v.checkpoints.unverified;
  if (u.count > 0)
    warnings.push(
      `${u.count} checkpoint notes ignored: their signature does not verify (first at stream sequence ${u.firstStreamSeq}: ${u.firstReason})`,
    );
  for (const limit of v.limits ?? [])
    if (!limit.startsWith('no checkpoint or anchor') && !limit.startsWith('no verification key')) warnings.push(limit);
  return { ...v, ok: v.intact && withinPolicy, warnings };
}
