// The write loop's retry delays, checked once when the logger opens: both are timer waits.
import { duration } from '../../formats/args.js';

/** retryBackoffMs, checked: both delays are timer waits, the first no longer than the cap. */
export function retryBackoff(o: { initial: number; max: number } | undefined): { initial: number; max: number } {
  if (o === undefined) return { initial: 10, max: 5000 };
  const initial = duration(o?.initial ?? null, 'retryBackoffMs.initial', 'ms', 0);
  const max = duration(o.max ?? null, 'retryBackoffMs.max', 'ms', 0, initial);
  return { initial, max };
}
