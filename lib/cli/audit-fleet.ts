// `vram-residency audit ship DIR --nats URL` and the `--nats` branch of `audit verify`: the
// fleet side of the audit log (SPEC §7). Registered from commands/audit.ts (kept out of commands/
// so that no command file imports another); the verify side is in audit-fleet-verify.ts.
import type { Command } from 'commander';
import { AuditLogCorruptError, FleetForeignRecordError } from '../errors.js';
import { AuditShipper, type ShipperHealth } from '../fleet/shipper.js';
import { EXIT_CHECK_FAILED, errorJson } from './exit.js';
import { addNatsIdentityOptions, natsCredentialsOf, type NatsIdentityFlags } from './nats-flags.js';
import type { Reporter } from './reporter.js';
import { parseIntArg, runCommand } from './run.js';
import { describeShipperHealth, onlyWhenChanged, stopWhenParentExits } from './ship-status.js';
import { plural } from './units.js';

export { addFleetVerifyOptions, runFleetVerify } from './audit-fleet-verify.js';

interface ShipFlags extends NatsIdentityFlags {
  nats: string;
  stream?: string;
  replicas?: string;
  once?: boolean;
  maxInFlight?: string;
  statusInterval: string;
}

export function registerAuditShip(audit: Command): void {
  const ship = audit
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
    .option('--json', 'status lines as JSON on stderr; one JSON document (the final status) on stdout');
  addNatsIdentityOptions(ship).action(
    runCommand(async (reporter: Reporter, dir: string, opts: ShipFlags) => {
      const intervalMs = parseIntArg('--status-interval', opts.statusInterval, 100, 3_600_000);
      const shipper = await AuditShipper.start({
        dir,
        nats: opts.nats,
        credentials: natsCredentialsOf(opts),
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
        if (final.foreignCheckpoints.count > 0)
          reporter.warn(
            `warning: ${final.foreignCheckpoints.count} notes on the checkpoint subject are no local checkpoint (first at stream sequence ${final.foreignCheckpoints.firstStreamSeq}): ignored`,
          );
        reporter.line(
          `shipped ${plural(final.published, 'record')} of ${final.service ?? '(empty log)'} to ${final.stream}; ${final.duplicates} ${final.duplicates === 1 ? 'was' : 'were'} already there; ${final.shippedSeq < 0 ? 'the stream holds none of its records' : `stream head seq ${final.shippedSeq}`}`,
        );
        return 0;
      } catch (err) {
        if (!(err instanceof FleetForeignRecordError) && !(err instanceof AuditLogCorruptError)) throw err;
        // The stream disagrees with the local log, or the local log fails its check: exit 1, with its own code.
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
