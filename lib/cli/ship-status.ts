// What `audit ship` says while it follows a log: a status line only when something changed (not
// one every interval while idle), in words ("nothing shipped yet", never "seq -1"); and the
// shipper stops when the process that started it goes away (npx does not pass SIGTERM on).
import type { ShipperHealth } from '../fleet/shipper-options.js';
import { plural } from './units.js';

/** A status line in words. */
export function describeShipperHealth(h: ShipperHealth): string {
  const err = h.lastError && h.state === 'retrying' ? ` — ${h.lastError.message}` : '';
  const shipped = h.shippedSeq < 0 ? 'nothing shipped yet' : `shipped up to seq ${h.shippedSeq}`;
  const local = h.localSeq < 0 ? 'the local log is empty' : `local log at seq ${h.localSeq}`;
  const lag = h.lagRecords > 0 ? `, ${plural(h.lagRecords, 'record')} behind (${h.lagMs} ms)` : ', caught up';
  const inFlight = h.inFlight > 0 ? `, ${h.inFlight} in flight` : '';
  return `${h.state}: ${h.service ?? '(no service yet)'} ${shipped}, ${local}${lag}${inFlight}${err}`;
}

/** What a status line shows that is worth a new line when it changes (not the lag's age). */
function statusKey(h: ShipperHealth): string {
  return JSON.stringify([h.state, h.service, h.shippedSeq, h.localSeq, h.inFlight, h.lastError?.message ?? null]);
}

/** A printer that passes a status on only when it differs from the last one passed. */
export function onlyWhenChanged(print: (h: ShipperHealth) => void): (h: ShipperHealth) => void {
  let last: string | null = null;
  return (h) => {
    const key = statusKey(h);
    if (key === last) return;
    last = key;
    print(h);
  };
}

/**
 * Calls `stop` when this process's parent exits (it is then re-parented): `npx vram-residency
 * audit ship …` stopped with SIGTERM ends npx but does not pass the signal on, which would leave
 * the shipper running. Returns a function that ends the watch.
 */
export function stopWhenParentExits(stop: () => void, everyMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
