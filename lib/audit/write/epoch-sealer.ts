// The writer's side of SPEC §6 epoch sealing: holds the current epoch key (and only it), tags
// the end of each epoch, ratchets, and keeps the state file in step with the log. Order per
// epoch: the seal record is made durable first, then the state moves on, then the old key is
// erased — so a crash in between leaves a state exactly one epoch behind a seal it can check,
// and reopening completes that ratchet instead of losing or forging anything.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { AuditSealingStateError, InvalidArgumentError } from '../../errors.js';
import { assertInteger } from '../../formats/args.js';
import type { FileLayer } from './file-layer.js';
import { equalsHex } from '../../formats/constant-time.js';
import { isHex } from '../../formats/hex.js';
import { toHex } from '../../formats/hex.js';
import {
  epochOf,
  epochStart,
  epochTag,
  epochTagBytes,
  MAX_EPOCH_SECONDS,
  ratchet,
  type EpochClock,
} from '../format/epochs.js';
import { findLastSeal, type LastSeal } from './last-epoch-seal.js';
import { nodeSealingCrypto } from './node-crypto.js';
import { readSealState, writeSealState, type SealState } from './epoch-seal-state.js';
import { VerificationKey } from '../format/verification-key.js';

export interface SealingOptions {
  /** Epoch length in seconds, 1 … 86400. */
  epochSeconds: number;
  /** Where the first open writes the verification key (mode 0600; an existing file is never overwritten). Take it off the host. */
  verificationKeyOut: string;
  /**
   * The most ended epochs the writer seals at once (default 172,800: two days of 1 s epochs):
   * a clock that jumps further ahead is refused with E_AUDIT_SEALING_STATE instead of writing a
   * seal record per epoch without end. Raise it to reopen a log whose writer really was down longer.
   */
  maxMissedEpochs?: number;
}

/** Default horizon: 2 days of 1 s epochs (≈ 4 s and 50 MB of seals), 47 years of 2 h epochs. */
export const DEFAULT_MAX_MISSED_EPOCHS = 172_800;
/** The largest horizon an option may set (≈ 2.5 GB of seal records). */
export const MAX_MISSED_EPOCHS = 10_000_000;

const hmac = nodeSealingCrypto.hmacSha256;

export class EpochSealer implements EpochClock {
  readonly start: number;
  readonly epochSeconds: number;
  #key: Uint8Array;
  #epoch: number;
  /** The state file still names an older epoch until the seal with this seq is durable. */
  #stateOwedAfterSeq: number | null = null;
  /** The state file read at open named a batch of seals through this epoch (see SealState.batchThrough). */
  readonly #batchThrough: number;
  /** The most ended epochs sealed at once (SealingOptions.maxMissedEpochs). */
  readonly maxMissedEpochs: number;

  private constructor(
    private readonly dir: string,
    private readonly service: string,
    private readonly layer: FileLayer,
    state: SealState,
    maxMissedEpochs: number,
  ) {
    this.maxMissedEpochs = maxMissedEpochs;
    this.#batchThrough = state.batchThrough ?? state.epoch;
    this.start = state.start;
    this.epochSeconds = state.epochSeconds;
    this.#epoch = state.epoch;
    this.#key = state.key;
  }

  /** The epoch to seal next (the one running, once missed epochs are sealed). */
  get epoch(): number {
    return this.#epoch;
  }

  /** When the epoch to seal next is over: from this time on it must be sealed before anything else is written. */
  get boundary(): number {
    return epochStart(this, this.#epoch + 1);
  }

  /**
   * Load the state of an existing sealed log, or start sealing a new (empty) log: draw K0,
   * write the verification key, write the state. Every inconsistency is E_AUDIT_SEALING_STATE.
   */
  static open(
    dir: string,
    service: string,
    opts: SealingOptions,
    layer: FileLayer,
    logHasRecords: boolean,
    now: number,
  ): EpochSealer {
    if (!Number.isSafeInteger(opts?.epochSeconds) || opts.epochSeconds < 1 || opts.epochSeconds > MAX_EPOCH_SECONDS) {
      throw new InvalidArgumentError('sealing.epochSeconds', `must be an integer 1..${MAX_EPOCH_SECONDS}`);
    }
    if (typeof opts.verificationKeyOut !== 'string' || opts.verificationKeyOut.length === 0) {
      throw new InvalidArgumentError(
        'sealing.verificationKeyOut',
        'must be a file path (where the verification key is written once)',
      );
    }
    const maxMissed = opts.maxMissedEpochs ?? DEFAULT_MAX_MISSED_EPOCHS;
    assertInteger(maxMissed, 'sealing.maxMissedEpochs', 1, MAX_MISSED_EPOCHS);
    const state = readSealState(dir);
    if (!state) {
      if (logHasRecords) {
        throw new AuditSealingStateError(
          `the audit log in ${dir} has records but no sealing state: the state file was removed, or sealing was not on when the log began (sealing starts only with a new log)`,
        );
      }
      return EpochSealer.initialise(dir, service, opts, layer, now, maxMissed);
    }
    if (state.service !== service)
      throw new AuditSealingStateError(
        `the sealing state in ${dir} belongs to service ${state.service}, not ${service}`,
      );
    if (state.epochSeconds !== opts.epochSeconds) {
      throw new AuditSealingStateError(
        `the log in ${dir} is sealed in ${state.epochSeconds} s epochs; sealing.epochSeconds ${opts.epochSeconds} differs (the verification key fixes it)`,
      );
    }
    const sealer = new EpochSealer(dir, service, layer, state, maxMissed);
    sealer.reconcile(findLastSeal(dir));
    return sealer;
  }

  private static initialise(
    dir: string,
    service: string,
    opts: SealingOptions,
    layer: FileLayer,
    now: number,
    maxMissed: number,
  ): EpochSealer {
    const k0 = new Uint8Array(randomBytes(32));
    const vkey = new VerificationKey({
      service,
      k0: toHex(k0),
      start: Math.floor(now),
      epochSeconds: opts.epochSeconds,
    });
    let fd: number;
    try {
      fd = openSync(opts.verificationKeyOut, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      k0.fill(0);
      if (code === 'EEXIST') {
        throw new InvalidArgumentError(
          'sealing.verificationKeyOut',
          `${opts.verificationKeyOut} already exists; a verification key is never overwritten (move it away, or open the log it belongs to)`,
        );
      }
      throw new InvalidArgumentError('sealing.verificationKeyOut', `cannot create ${opts.verificationKeyOut}: ${code}`);
    }
    try {
      writeSync(fd, vkey.serialize());
      layer.fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const state: SealState = { service, start: vkey.start, epochSeconds: vkey.epochSeconds, epoch: 0, key: k0 };
    writeSealState(dir, state, layer);
    return new EpochSealer(dir, service, layer, state, maxMissed);
  }

  /** Bring the state in step with the newest seal in the log, or refuse. */
  private reconcile(last: LastSeal | null): void {
    const sealedUpTo = last ? last.epoch : -1;
    const s = this.#epoch;
    if (s === sealedUpTo + 1 && this.#batchThrough === s) return;
    if (s === sealedUpTo + 1) {
      this.stateDurable(-1, true); // a batch that never became durable: the note goes
      return;
    }
    if (last && s <= sealedUpTo && sealedUpTo <= this.#batchThrough) {
      // Killed after seals were durable and before the state moved on (one seal, or one batch of
      // them): ratchet to the newest seal's epoch, check its tag, then finish.
      while (this.#epoch < sealedUpTo) this.#ratchetInMemory();
      // A prev that is not hex is a replaced log too (the record was read without the verifier's checks).
      if (!isHex(last.prev) || !equalsHex(epochTagBytes(hmac, this.#key, last.epoch, last.prev), last.tag)) {
        throw new AuditSealingStateError(
          `the newest seal in ${this.dir} (epoch ${last.epoch}, seq ${last.seq}) does not match the sealing state's key: the state or the log was replaced`,
        );
      }
      this.advance(-1);
      this.stateDurable(-1);
      return;
    }
    if (s <= sealedUpTo) {
      throw new AuditSealingStateError(
        `the sealing state in ${this.dir} is behind the log (state: epoch ${s}; the log has sealed epoch ${sealedUpTo}): an old state file was restored; refusing to reuse an old key`,
      );
    }
    throw new AuditSealingStateError(
      `the sealing state in ${this.dir} is ahead of the log (state: epoch ${s}; the newest seal is ${last ? `epoch ${sealedUpTo}` : 'absent'}): seals are missing from the log (truncated or replaced)`,
    );
  }

  /** The state file may move on (no seal waits to become durable). */
  get stateSettled(): boolean {
    return this.#stateOwedAfterSeq === null;
  }

  /**
   * Before sealing epochs `epoch … through` with one write: the state file notes the batch (same
   * key, same epoch), so that a crash after the batch is durable is completed on reopen.
   */
  beginBatch(through: number): void {
    writeSealState(this.dir, { ...this.#stateFields(), batchThrough: through }, this.layer);
  }

  /** The tag that closes the epoch to seal next over the chain head `prev`. */
  tag(prev: string): { epoch: number; tag: string } {
    return { epoch: this.#epoch, tag: epochTag(hmac, this.#key, this.#epoch, prev) };
  }

  /**
   * After the seal with seq `sealSeq` is queued: move to the next epoch in memory. The state file
   * follows in stateDurable() once that seal is durable — never before, or a crash could lose
   * the seal together with the only key that can make it.
   */
  advance(sealSeq: number): void {
    this.#ratchetInMemory();
    this.#stateOwedAfterSeq = sealSeq;
  }

  #ratchetInMemory(): void {
    const next = ratchet(hmac, this.#key);
    this.#key.fill(0);
    this.#key = next;
    this.#epoch++;
  }

  #stateFields(): SealState {
    return {
      service: this.service,
      start: this.start,
      epochSeconds: this.epochSeconds,
      epoch: this.#epoch,
      key: this.#key,
    };
  }

  /** Records up to `seq` are durable: write the state file if it waits for a seal among them (throws I/O errors; it stays owed). */
  stateDurable(seq: number, force = false): void {
    if (!force && (this.#stateOwedAfterSeq === null || seq < this.#stateOwedAfterSeq)) return;
    writeSealState(this.dir, this.#stateFields(), this.layer);
    this.#stateOwedAfterSeq = null;
  }

  /** Epochs that are over at `now` and not sealed yet. */
  endedEpochs(now: number): number {
    return Math.max(0, epochOf(this, now) - this.#epoch);
  }

  /** Erase the key from memory (the state file keeps it for the next open). */
  close(): void {
    this.#key.fill(0);
  }

  toJSON(): object {
    return { epoch: this.#epoch, start: this.start, epochSeconds: this.epochSeconds };
  }
}
