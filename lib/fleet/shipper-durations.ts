// The shipper's timer options (poll, ack and connect timeouts, reconnect backoff), checked against
// what Node timers hold: a longer delay would be clamped to 1 ms and fire in a loop.
import { duration } from '../formats/args.js';
import type { AuditShipperOptions } from './shipper-options.js';

/** Throws E_ARG naming the first duration option that a timer cannot hold. */
export function checkShipperDurations(opts: AuditShipperOptions): void {
  duration(opts.pollMs, 'pollMs', 'ms', 0);
  duration(opts.ackTimeoutMs, 'ackTimeoutMs', 'ms', 0);
  duration(opts.connectTimeoutMs, 'connectTimeoutMs', 'ms', 0);
  if (opts.backoffMs !== undefined) {
    const initial = duration(opts.backoffMs?.initial ?? null, 'backoffMs.initial', 'ms', 0);
    duration(opts.backoffMs.max ?? null, 'backoffMs.max', 'ms', 0, initial);
  }
}
