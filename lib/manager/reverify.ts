// Keeping sealed shards honest while they stay resident: the re-verification policy a worker runs
// between inference requests (and `vram-residency seal --hold` runs until interrupted). Each round
// waits `intervalSeconds`, then verifies every shard — sampled (`samples` leaves), and in full every
// `fullEvery`-th round, so a change a sample misses is still caught within `fullEvery` rounds.
import { InvalidArgumentError } from '../errors.js';
import { assertInteger, positiveInteger } from '../formats/args.js';
import { DEFAULT_SAMPLES, type VerifyResult } from './seal-options.js';
import type { SealedShard } from './sealed-shard.js';

/** The most milliseconds a Node timer can wait (longer delays fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The longest interval between rounds, in whole seconds: what a timer can hold (about 24.8 days). */
export const MAX_REVERIFY_INTERVAL_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** How resident shards are re-verified. */
export interface ReverifyPolicy {
  /** Seconds between rounds: a positive number; the delay must fit a timer (about 24.8 days). */
  intervalSeconds: number;
  /** Leaves re-hashed per shard in a sampled round (default 16). */
  samples?: number;
  /** Every `fullEvery`-th round re-hashes every leaf (default 10; 1 makes every round full). */
  fullEvery?: number;
  /** Ends the loop between rounds (or during the wait); required, since the loop has no other end. */
  signal: AbortSignal;
  /** Called after each round that verified every shard (progress, logs). */
  onRound?: (round: ReverifyRound) => void;
}

/** One round of re-verification, as {@link ReverifyPolicy.onRound} sees it. */
export interface ReverifyRound {
  /** 1-based. */
  round: number;
  mode: 'full' | 'sample';
  results: VerifyResult[];
}

/** What re-verification needs of a manager (a {@link VramManager}). */
export interface Reverifier {
  /** Verifies one shard (VramManager.verify); rejects with SealVerificationError on a mismatch. */
  verify(shard: SealedShard, opts: { mode: 'full' | 'sample'; samples: number }): Promise<VerifyResult>;
}

/** The policy checked, with its defaults: E_ARG for anything a timer or the verifier cannot take. */
export function checkReverifyPolicy(policy: ReverifyPolicy): Required<Omit<ReverifyPolicy, 'onRound'>> {
  if (policy === null || typeof policy !== 'object') throw new InvalidArgumentError('policy', 'must be an object');
  const { intervalSeconds, signal } = policy;
  if (
    typeof intervalSeconds !== 'number' ||
    !(intervalSeconds > 0) ||
    intervalSeconds > MAX_REVERIFY_INTERVAL_SECONDS
  ) {
    throw new InvalidArgumentError(
      'intervalSeconds',
      `must be a positive number of seconds up to ${MAX_REVERIFY_INTERVAL_SECONDS} (what a timer can hold)`,
    );
  }
  if (!(signal instanceof AbortSignal)) throw new InvalidArgumentError('signal', 'must be an AbortSignal');
  const samples = positiveInteger(policy.samples, 'samples', DEFAULT_SAMPLES);
  const fullEvery = policy.fullEvery ?? 10;
  assertInteger(fullEvery, 'fullEvery', 1);
  return { intervalSeconds, samples, fullEvery, signal };
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Re-verifies `shards` on `policy`'s schedule until its signal aborts; resolves with the number of
 * rounds completed. A failed verification rejects (SealVerificationError: the manager has already
 * audited it and marked the shard failed): stop serving from these shards. Arguments are checked
 * first (E_ARG); an already-aborted signal resolves 0 at once.
 */
export async function reverifyResident(
  manager: Reverifier,
  shards: readonly SealedShard[],
  policy: ReverifyPolicy,
): Promise<number> {
  if (manager === null || typeof manager?.verify !== 'function') {
    throw new InvalidArgumentError('manager', 'must be a VramManager');
  }
  if (!Array.isArray(shards)) throw new InvalidArgumentError('shards', 'must be an array of SealedShard');
  const { intervalSeconds, samples, fullEvery, signal } = checkReverifyPolicy(policy);
  let rounds = 0;
  while (await sleepUnlessAborted(intervalSeconds * 1000, signal)) {
    const round = rounds + 1;
    const mode = round % fullEvery === 0 ? 'full' : 'sample';
    const results: VerifyResult[] = [];
    for (const shard of shards) {
      if (signal.aborted) return rounds; // stop between shards too: a round is whole or not counted
      results.push(await manager.verify(shard, { mode, samples }));
    }
    rounds = round;
    policy.onRound?.({ round, mode, results });
  }
  return rounds;
}
