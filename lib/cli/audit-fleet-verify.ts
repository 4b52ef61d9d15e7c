// `audit verify --nats URL`: every service's chain from a JetStream stream (SPEC §7), with what a
// signature covers told apart from the unauthenticated tail, the policy for that tail, and
// foreign subjects as findings. The text output shows the same warnings as --json.
import type { Command } from 'commander';
import { verifyFleet, type FleetServiceResult, type FleetVerifyResult } from '../fleet/verify.js';
import { CheckFailed, EXIT_CHECK_FAILED } from './exit.js';
import { addNatsIdentityOptions, natsCredentialsOf, type NatsIdentityFlags } from './nats-flags.js';
import type { Reporter } from './reporter.js';
import { parseIntArg } from './run.js';
import { plural } from './units.js';

/** Options `audit verify` gains for verifying from a stream (registered on that command). */
export function addFleetVerifyOptions(verify: Command): void {
  verify
    .option('--nats <url>', 'verify every service from a JetStream stream instead of a directory')
    .option('--stream <name>', 'with --nats: the stream', 'VRAM_AUDIT')
    .option('--service <name...>', 'with --nats: only these services (default: every service in the stream)')
    .option(
      '--max-unsigned-records <n>',
      'with --nats: fail when more records than this follow the newest verified checkpoint',
    )
    .option(
      '--max-unsigned-age <seconds>',
      'with --nats: fail when the oldest record no checkpoint covers is older than this',
    );
  addNatsIdentityOptions(verify);
}

interface FleetVerifyFlags extends NatsIdentityFlags {
  maxUnsignedRecords?: string;
  maxUnsignedAge?: string;
}

/** `audit verify --nats URL`: one result per service; exit 1 when any is broken or over the tail policy, or a subject is foreign. */
export async function runFleetVerify(
  reporter: Reporter,
  opts: {
    nats: string;
    stream: string;
    service?: string[];
    verificationKey?: string;
    publicKey?: string;
    witnessKeys?: string[];
    quorum?: number;
    acceptStale?: boolean;
  },
  commandFlags: object = {},
): Promise<number> {
  const flags = commandFlags as FleetVerifyFlags;
  const policy = {
    ...(flags.maxUnsignedRecords !== undefined
      ? { maxRecords: parseIntArg('--max-unsigned-records', flags.maxUnsignedRecords, 0, Number.MAX_SAFE_INTEGER) }
      : {}),
    ...(flags.maxUnsignedAge !== undefined
      ? { maxAgeMs: 1000 * parseIntArg('--max-unsigned-age', flags.maxUnsignedAge, 0, 10 * 365 * 86400) }
      : {}),
  };
  const result: FleetVerifyResult = await verifyFleet({
    ...opts,
    services: opts.service,
    credentials: natsCredentialsOf(flags),
    policy,
  });
  reporter.result(result);
  for (const s of result.services) describeService(reporter, s);
  for (const f of result.foreign)
    reporter.line(
      `FOREIGN  ${JSON.stringify(f.subject)}: ${f.count} messages on a subject that names no valid service`,
    );
  const unsigned = result.services.reduce((n, s) => n + s.unauthenticatedTail.count, 0);
  if (result.ok) {
    reporter.line(
      `${plural(result.services.length, 'service')} in stream ${result.stream}: chains intact; ${plural(unsigned, 'record')} after the newest verified checkpoints (unauthenticated, within the policy)`,
    );
    return 0;
  }
  if (reporter.json) return EXIT_CHECK_FAILED;
  const failed = result.services.filter((s) => !s.ok).map((s) => s.service);
  const foreign = result.foreign.length > 0 ? `; ${result.foreign.length} foreign subjects` : '';
  throw new CheckFailed(
    `stream ${result.stream}: ${failed.length} of ${plural(result.services.length, 'service')} failed${failed.length > 0 ? ` (${failed.join(', ')})` : ''}${foreign}`,
  );
}

function describeService(reporter: Reporter, s: FleetServiceResult): void {
  const head = s.head ? `head ${s.head.seq}:${s.head.hash}` : 'no records';
  const gaps =
    s.gaps.length > 0
      ? `, missing seq ${s.gaps.map((g) => (g.from === g.to ? g.from : `${g.from}-${g.to}`)).join(', ')}`
      : '';
  const verified = s.verifiedBy
    ? `verified up to size ${s.verifiedSize} (checkpoint signed by ${s.verifiedBy.signer})`
    : 'no verified checkpoint';
  const state = s.ok ? 'ok' : s.intact ? 'POLICY' : 'BROKEN';
  reporter.line(
    `${state}  ${s.service}: ${s.records} records, ${head}${gaps}; ${verified}; ${s.unauthenticatedTail.count} unauthenticated${s.firstError || s.records === 0 ? ` — ${s.summary}` : ''}`,
  );
  if (s.sealing)
    reporter.line(
      `    sealed: ${s.sealing.epochsSealed} epochs with valid tags; ${s.sealing.unsealedTail} records after the last seal`,
    );
  if (s.checkpoints.count > 0)
    reporter.line(
      `    checkpoints: ${s.checkpoints.verified} of ${s.checkpoints.count} verified, ${s.checkpoints.consistent} consistent${s.checkpoints.firstProblem ? ` — ${s.checkpoints.firstProblem}` : ''}`,
    );
  for (const w of s.warnings) reporter.line(`    warning: ${w}`);
}
