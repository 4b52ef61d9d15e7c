// `vram-residency audit ship DIR --nats URL` and the `--nats` branch of `audit verify`: the
// fleet side of the audit log (SPEC §7). Registered from audit.ts.
import type { Command } from 'commander';
import { FleetForeignRecordError } from '../../errors.js';
import { AuditShipper, type ShipperHealth } from '../../fleet/shipper.js';
import { verifyFleet, type FleetVerifyResult } from '../../fleet/verify.js';
import { CheckFailed, EXIT_CHECK_FAILED, errorJson } from '../exit.js';
import type { Reporter } from '../reporter.js';
import { parseIntArg, runCommand } from '../run.js';
import { describeShipperHealth, onlyWhenChanged, stopWhenParentExits } from '../ship-status.js';
import { plural } from '../units.js';

interface ShipFlags {
  nats: string;
  stream?: string;
  replicas?: string;
  once?: boolean;
  maxInFlight?: string;
  statusInterval: string;
}

export function registerAuditShip(audit: Command): void {
  audit
    .command('ship')
    .description(
      'follow an audit log directory and publish every record, unchanged, to a NATS JetStream stream (without the writer lock)',
    )
    .argument('<dir>', 'the audit log directory')
    .requiredOption('--nats <url>', 'NATS server URL, e.g. nats://127.0.0.1:4222 (several: comma-separated)')
    .option('--stream <name>', 'JetStream stream (created when missing)', 'VRAM_AUDIT')
    .option('--replicas <n>', 'replicas when creating the stream (3 in a three-node cluster)')
    .option('--once', 'ship what the log holds now and exit')
    .option('--max-in-flight <n>', 'publishes awaiting acknowledgement at most', '1024')
    .option(
      '--status-interval <ms>',
      'while following: check this often, and print a status line when it changed',
      '5000',
    )
    .option('--json', 'status lines as JSON on stderr; one JSON document (the final status) on stdout')
    .action(
      runCommand(async (reporter: Reporter, dir: string, opts: ShipFlags) => {
        const intervalMs = parseIntArg('--status-interval', opts.statusInterval, 100, 3_600_000);
        const shipper = await AuditShipper.start({
          dir,
          nats: opts.nats,
          stream: opts.stream,
          replicas: opts.replicas === undefined ? undefined : parseIntArg('--replicas', opts.replicas, 1, 5),
          maxInFlight:
            opts.maxInFlight === undefined ? undefined : parseIntArg('--max-in-flight', opts.maxInFlight, 1, 65536),
          once: Boolean(opts.once),
        });
        const status = (h: ShipperHealth) =>
          reporter.json
            ? process.stderr.write(JSON.stringify({ at: new Date().toISOString(), ...h }) + '\n')
            : reporter.warn(describeShipperHealth(h));
        // Events and the interval both go through one filter: a line only when something changed.
        const changed = onlyWhenChanged(status);
        shipper.on('status', changed);
        const timer = opts.once ? null : setInterval(() => changed(shipper.health()), intervalMs);
        const stop = () => void shipper.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const endWatch = stopWhenParentExits(stop);
        try {
          const final = await shipper.done;
          reporter.result({ ok: true, ...final });
          reporter.line(
            `shipped ${plural(final.published, 'record')} of ${final.service ?? '(empty log)'} to ${final.stream}; ${final.duplicates} ${final.duplicates === 1 ? 'was' : 'were'} already there; ${final.shippedSeq < 0 ? 'the stream holds none of its records' : `stream head seq ${final.shippedSeq}`}`,
          );
          return 0;
        } catch (err) {
          if (!(err instanceof FleetForeignRecordError)) throw err;
          // The stream disagrees with the local log: a failed check (exit 1), with its own code.
          if (reporter.json) reporter.result({ ok: false, error: errorJson(err, false), status: shipper.health() });
          else reporter.warn(`FAILED: ${err.message}`);
          return EXIT_CHECK_FAILED;
        } finally {
          if (timer) clearInterval(timer);
          endWatch();
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}

/** Options `audit verify` gains for verifying from a stream (registered on that command). */
export function addFleetVerifyOptions(verify: Command): void {
  verify
    .option('--nats <url>', 'verify every service from a JetStream stream instead of a directory')
    .option('--stream <name>', 'with --nats: the stream', 'VRAM_AUDIT')
    .option('--service <name...>', 'with --nats: only these services (default: every service in the stream)');
}

/** `audit verify --nats URL`: one result per service; exit 1 when any chain is broken. */
export async function runFleetVerify(
  reporter: Reporter,
  opts: { nats: string; stream: string; service?: string[]; verificationKey?: string; publicKey?: string },
): Promise<number> {
  const result: FleetVerifyResult = await verifyFleet({ ...opts, services: opts.service });
  reporter.result(result);
  for (const s of result.services) {
    const head = s.head ? `head ${s.head.seq}:${s.head.hash}` : 'no records';
    const gaps =
      s.gaps.length > 0
        ? `, missing seq ${s.gaps.map((g) => (g.from === g.to ? g.from : `${g.from}-${g.to}`)).join(', ')}`
        : '';
    reporter.line(
      `${s.intact ? 'ok' : 'BROKEN'}  ${s.service}: ${plural(s.records, 'record')}, ${head}${gaps}${s.firstError || s.records === 0 ? ` — ${s.summary}` : ''}`,
    );
    if (s.sealing)
      reporter.line(
        `    sealed: ${plural(s.sealing.epochsSealed, 'epoch')} with valid tags; ${plural(s.sealing.unsealedTail, 'record')} after the last seal`,
      );
    if (s.checkpoints.count > 0)
      reporter.line(
        `    checkpoints: ${s.checkpoints.consistent} of ${s.checkpoints.count} consistent${s.checkpoints.firstProblem ? ` — ${s.checkpoints.firstProblem}` : ''}${s.checkpoint ? `; newest signed by ${s.checkpoint.signer}` : ''}`,
      );
  }
  if (result.intact) {
    reporter.line(`${plural(result.services.length, 'service')} intact in stream ${result.stream}`);
    return 0;
  }
  if (reporter.json) return EXIT_CHECK_FAILED;
  const broken = result.services.filter((s) => !s.intact).map((s) => s.service);
  throw new CheckFailed(
    `stream ${result.stream}: ${broken.length} of ${plural(result.services.length, 'service')} broken (${broken.join(', ')})`,
  );
}
