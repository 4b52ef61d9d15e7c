// `vram-residency audit verify DIR` and `audit query DIR`: offline checks and searches of an audit log.
import type { Command } from 'commander';
import { queryAuditLog, verifyAuditLog } from '../../audit/index.js';
import { auditDirLayout } from '../../audit/verify/directory.js';
import { basename } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { CheckFailed } from '../exit.js';
import type { Reporter } from '../reporter.js';
import { readSmallText } from '../small-file.js';
import { parseIntArg, runCommand } from '../run.js';
import { addFleetVerifyOptions, registerAuditShip, runFleetVerify } from '../audit-fleet.js';
import { registerAuditTlog } from '../audit-tlog.js';
import { checkCheckpointConsistency } from '../../audit/verify/checkpoint-consistency.js';
import { plural } from '../units.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('check and search audit logs offline');
  const verify = audit
    .command('verify')
    .description(
      'check an audit log directory (or, with --nats, every chain in a JetStream stream): hashes, chain links, seq, ids, timestamps, sidecars; with keys, epoch seals and checkpoints',
    )
    .argument('[dir]', 'the audit log directory (not with --nats)')
    .option('--vkey <file>', 'the verification key (SPEC §6) written when the log began: checks every epoch seal')
    .option(
      '--checkpoint <note>',
      'a signed checkpoint note (kept off the host; repeatable): the log must still hold what it signed, and v2 notes must be consistent with each other',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option(
      '--witness-key <file>',
      "a trusted witness's public key for v2 notes (repeatable)",
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--quorum <k>', 'how many trusted witnesses must have cosigned each v2 note (default: all given)')
    .option('--pubkey <file>', "the checkpoint signer's Ed25519 public key (SPKI PEM or C2SP verifier key)")
    .option(
      '--anchor <seq:hash>',
      'a record kept elsewhere (e.g. the head from an earlier run): catches deletions at the tail',
    )
    .option(
      '--accept-stale',
      'with --vkey: accept unsealed records of long-ended epochs (the writer is known to have stopped); without it they fail as possibly truncated',
    )
    .option('--json', 'print one JSON document');
  addFleetVerifyOptions(verify);
  verify.action(runCommand(runAuditVerify));
  registerAuditShip(audit);
  registerAuditTlog(audit);
  audit
    .command('query')
    .description('list audit records matching filters, oldest first')
    .argument('<dir>', 'the audit log directory')
    .option('--type <type...>', 'event types (e.g. vram.sealed seal.verification_failed)')
    .option('--since <time>', 'records at or after this ISO time')
    .option('--until <time>', 'records before this ISO time')
    .option('--shard-id <id>', 'records about this shard')
    .option('--worker-id <id>', 'records from this worker')
    .option('--severity <level>', 'info, warning or critical')
    .option('--limit <n>', 'at most this many records')
    .option('--json', 'print a JSON array')
    .action(runCommand(runAuditQuery));
}

function parseAnchor(text: string): { seq: number; hash: string } {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!m)
    throw new InvalidArgumentError(
      '--anchor',
      'must be SEQ:HASH, e.g. 41:<64 hex> (the head printed by an earlier verify)',
    );
  return { seq: Number(m[1]), hash: m[2]! };
}

function parseTime(flag: string, text: string): string {
  const d = new Date(text);
  if (Number.isNaN(d.getTime()))
    throw new InvalidArgumentError(flag, `"${text}" is not a date/time (use ISO 8601, e.g. 2026-11-24T10:00:00Z)`);
  return d.toISOString();
}

/** `audit verify`'s options (with the fleet options audit-fleet.ts adds). */
interface AuditVerifyFlags {
  acceptStale?: boolean;
  anchor?: string;
  vkey?: string;
  checkpoint?: string[];
  witnessKey?: string[];
  quorum?: string;
  pubkey?: string;
  nats?: string;
  stream: string;
  service?: string[];
  json?: boolean;
}

/** `audit query`'s options. */
interface AuditQueryFlags {
  type?: string[];
  since?: string;
  until?: string;
  shardId?: string;
  workerId?: string;
  severity?: string;
  limit?: string;
  json?: boolean;
}

/** `audit verify [DIR]`: a directory, or with --nats every chain of a stream. */
async function runAuditVerify(reporter: Reporter, dir: string | undefined, opts: AuditVerifyFlags): Promise<number> {
  if (!opts.nats && (opts.checkpoint === undefined) !== (opts.pubkey === undefined)) {
    throw new InvalidArgumentError(
      opts.checkpoint ? '--pubkey' : '--checkpoint',
      '--checkpoint and --pubkey go together (a note is checked against the key that signed it)',
    );
  }
  if (opts.nats) {
    if (dir !== undefined || opts.anchor || opts.checkpoint) {
      throw new InvalidArgumentError(
        '--nats',
        'verifies from the stream (with the checkpoints published there): give no directory, --anchor or --checkpoint with it',
      );
    }
    return runFleetVerify(
      reporter,
      {
        nats: opts.nats,
        stream: opts.stream,
        service: opts.service,
        ...(opts.vkey ? { verificationKey: readSmallText(opts.vkey, '--vkey', 'key') } : {}),
        ...(opts.pubkey ? { publicKey: readSmallText(opts.pubkey, '--pubkey', 'key') } : {}),
        ...(opts.witnessKey
          ? { witnessKeys: opts.witnessKey.map((w) => readSmallText(w, '--witness-key', 'key')) }
          : {}),
        ...(opts.quorum ? { quorum: parseIntArg('--quorum', opts.quorum, 0, opts.witnessKey?.length ?? 0) } : {}),
        ...(opts.acceptStale ? { acceptStale: true } : {}),
      },
      opts,
    );
  }
  if (dir === undefined)
    throw new InvalidArgumentError(
      'dir',
      'missing: give the audit log directory, or --nats URL to verify from a stream',
    );
  // verifyAuditLog refuses a directory that is not a log (E_ARG, exit 2).
  const notes = (opts.checkpoint ?? []).map((p) => ({
    name: basename(p),
    text: readSmallText(p, '--checkpoint', 'note'),
  }));
  const witnessKeys = (opts.witnessKey ?? []).map((w) => readSmallText(w, '--witness-key', 'key'));
  const result = await verifyAuditLog(dir, {
    ...(opts.acceptStale ? { acceptStale: true } : {}),
    ...(witnessKeys.length > 0 ? { witnessKeys } : {}),
    ...(opts.quorum ? { quorum: parseIntArg('--quorum', opts.quorum, 0, witnessKeys.length) } : {}),
    ...(opts.anchor ? { anchor: parseAnchor(opts.anchor) } : {}),
    ...(opts.vkey ? { verificationKey: readSmallText(opts.vkey, '--vkey', 'key') } : {}),
    ...(notes.length > 0 ? { checkpoint: notes } : {}),
    ...(opts.pubkey ? { publicKey: readSmallText(opts.pubkey, '--pubkey', 'key') } : {}),
  });
  if (!result.intact) {
    reporter.result(result);
    const where = result.firstError
      ? `${result.firstError.file}:${result.firstError.line}: ${result.firstError.reason} (${result.firstError.detail})`
      : result.summary;
    if (reporter.json) return 1;
    throw new CheckFailed(`audit log ${dir} is broken at ${where}`);
  }
  const consistency = checkCheckpointConsistency(dir, notes);
  if (!consistency.consistent) {
    if (reporter.json) {
      reporter.result({ ...result, intact: false, inconsistentCheckpoint: consistency });
      return 1;
    }
    throw new CheckFailed(`checkpoint ${consistency.note} is inconsistent: ${consistency.detail}`, {
      inconsistentCheckpoint: consistency.note,
    });
  }
  reporter.result({ ...result, ...(consistency.pairs.length > 0 ? { consistency: consistency.pairs } : {}) });
  describeVerified(reporter, result, consistency.pairs);
  return 0;
}

/** The human lines of an intact log: summary, proofs between notes, seals, checkpoint, head, limits. */
function describeVerified(
  reporter: Reporter,
  result: Awaited<ReturnType<typeof verifyAuditLog>>,
  pairs: { from: string; m: number; to: string; n: number }[],
): void {
  reporter.line(result.summary);
  for (const p of pairs)
    reporter.line(`consistent by proof: ${p.from} (size ${p.m}) is a prefix of ${p.to} (size ${p.n})`);
  const s = result.sealing;
  if (s)
    reporter.line(
      `sealed: ${plural(s.epochsSealed, 'epoch')} (0..${s.epochsSealed - 1}) with valid tags; ${plural(s.unsealedTail, 'record')} after the last seal`,
    );
  if (result.checkpoint)
    reporter.line(
      `consistent with checkpoint ${result.checkpoint.note}: ${plural(result.checkpoint.size, 'record')} signed by ${result.checkpoint.signer}`,
    );
  if (result.head)
    reporter.line(`head: ${result.head.seq}:${result.head.hash} (keep it elsewhere; pass it as --anchor next time)`);
  for (const limit of result.limits) reporter.line(`${limit.startsWith('stale') ? 'warning' : 'note'}: ${limit}`);
}

/** `audit query DIR`: matching records, oldest first, streamed. */
async function runAuditQuery(reporter: Reporter, dir: string, opts: AuditQueryFlags): Promise<number> {
  const filter = {
    types: opts.type,
    since: opts.since ? parseTime('--since', opts.since) : undefined,
    until: opts.until ? parseTime('--until', opts.until) : undefined,
    shardId: opts.shardId,
    workerId: opts.workerId,
    severity: opts.severity as 'info' | 'warning' | 'critical' | undefined,
    limit: opts.limit ? parseIntArg('--limit', opts.limit, 1, Number.MAX_SAFE_INTEGER) : undefined,
  };
  if (filter.severity && !['info', 'warning', 'critical'].includes(filter.severity)) {
    throw new InvalidArgumentError('--severity', 'must be info, warning or critical');
  }
  auditDirLayout(dir); // a directory that is not a log is a usage error, not an empty result
  // Streamed: a log of any size in constant memory, as JSON or as lines.
  const records = reporter.jsonArray();
  for await (const record of queryAuditLog(dir, filter)) {
    records.push(record);
    reporter.line(`${record.seq}\t${record.ts}\t${record.severity}\t${record.type}\t${JSON.stringify(record.data)}`);
  }
  records.end();
  return 0;
}
