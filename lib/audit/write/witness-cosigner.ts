// Collects witness cosignatures for a writer's checkpoints: all witnesses at once, each retried
// with backoff while unreachable, remembering the size each one last cosigned. Runs beside the
// writer's timers; `emit()` never waits for it.
import type { NotePublicKey, Sha256 } from '../format/checkpoint-note.js';
import { type CosignOutcome, requestCosignature, type WitnessEndpoint } from './witness-client.js';

/** Retry schedule for an unreachable witness (ms between tries); 4xx answers are not retried. */
const BACKOFF_MS = [250, 1000, 4000];

/** What one round of cosigning gave: the lines to add, and every refusal (for warning records). */
export interface CosignRound {
  lines: string[];
  refusals: Extract<CosignOutcome, { ok: false }>[];
}

export class WitnessCosigner {
  readonly #witnesses: WitnessEndpoint[];
  readonly #lastSize = new Map<string, number>();
  readonly #logKey: NotePublicKey;
  readonly #sha256: Sha256;
  readonly #timeoutMs: number;
  #closed = false;

  constructor(witnesses: WitnessEndpoint[], logKey: NotePublicKey, sha256: Sha256, timeoutMs = 5000) {
    this.#witnesses = witnesses;
    this.#logKey = logKey;
    this.#sha256 = sha256;
    this.#timeoutMs = timeoutMs;
  }

  /** Stop retrying (pending rounds finish with what they have). */
  close(): void {
    this.#closed = true;
  }

  /** Ask every witness to cosign `note` (of `size`); `proofFrom(m)` gives the consistency proof m → size. */
  async cosign(note: string, size: number, proofFrom: (m: number) => Uint8Array[] | null): Promise<CosignRound> {
    const outcomes = await Promise.all(this.#witnesses.map((w) => this.#one(w, note, size, proofFrom)));
    const round: CosignRound = { lines: [], refusals: [] };
    for (const o of outcomes) {
      if (o.ok) round.lines.push(o.line);
      else round.refusals.push(o);
    }
    return round;
  }

  async #one(
    w: WitnessEndpoint,
    note: string,
    size: number,
    proofFrom: (m: number) => Uint8Array[] | null,
  ): Promise<CosignOutcome> {
    let outcome: CosignOutcome = { ok: false, witness: w.name, status: null, reason: 'not tried' };
    for (let attempt = 0; attempt <= BACKOFF_MS.length; attempt++) {
      if (attempt > 0) {
        if (this.#closed) break;
        await new Promise((r) => setTimeout(r, BACKOFF_MS[attempt - 1]).unref());
      }
      outcome = await requestCosignature(w, {
        note,
        size,
        old: this.#lastSize.get(w.url) ?? 0,
        proofFrom,
        logKey: this.#logKey,
        sha256: this.#sha256,
        timeoutMs: this.#timeoutMs,
      });
      if (outcome.ok || outcome.size !== undefined) this.#lastSize.set(w.url, outcome.size ?? 0);
      if (outcome.ok || outcome.status !== null) break; // only an unreachable witness is retried
    }
    return outcome;
  }
}
