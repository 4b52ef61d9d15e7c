// When the audit logger seals epochs and writes checkpoints (SPEC §6): the epoch timer, sealing
// missed epochs on open, the seal owed before a record of a later epoch, the checkpoint interval
// and the last seal/checkpoint at close. The logger owns one; the sealer and the checkpoint writer
// do the cryptography and the files.
import type { OperationalLogger } from './operational-log.js';
import type { FileLayer } from './file-layer.js';
import type { RecordQueue } from './record-queue.js';
import { type SegmentWriter, errInfo } from './segment-writer.js';
import { type CheckpointOptions, CheckpointWriter } from './checkpoint-writer.js';
import { EpochSealer, type SealingOptions } from './epoch-sealer.js';
import type { TreeFile } from './tree-file.js';

/** What is sealed: the logger's options (sealing and checkpoints are each optional). */
export interface SealingConfig {
  dir: string;
  service: string;
  sealing?: SealingOptions;
  checkpoints?: CheckpointOptions;
}

/** The logger's parts the schedule writes through. */
export interface SealingContext {
  layer: FileLayer;
  clock: () => number;
  log: OperationalLogger;
  queue: RecordQueue;
  writer: SegmentWriter;
  /** The log already holds records (a resumed log): its sealing state must exist. */
  resumed: boolean;
  /** A seal could not be written through: note the error and retry the write soon. */
  writeFailed: (err: unknown, what: string) => void;
  /** The logger's flush: resolves once everything accepted before it is durable. */
  flush: () => Promise<void>;
  /** The logger is closing or closed: timers stop rescheduling. */
  stopping: () => boolean;
  /** The SPEC §8 tree: with it, checkpoints are v2 (its root); without, v1 (the head hash). */
  tree?: TreeFile | null;
}

export class SealingSchedule {
  readonly #o: SealingContext;
  readonly #sealer: EpochSealer | null = null;
  readonly #checkpointer: CheckpointWriter | null = null;
  #epochTimer: NodeJS.Timeout | null = null;
  #checkpointTimer: NodeJS.Timeout | null = null;
  /** The cosigning round in flight, if any. */
  #cosigning: Promise<void> | null = null;

  /** Opens the checkpoint key and the sealing state (the sealer last: nothing to close if it throws). */
  constructor(c: SealingConfig, o: SealingContext) {
    this.#o = o;
    if (c.checkpoints) this.#checkpointer = CheckpointWriter.open(c.dir, c.service, c.checkpoints, o.layer);
    if (c.sealing) this.#sealer = EpochSealer.open(c.dir, c.service, c.sealing, o.layer, o.resumed, o.clock());
  }

  /** On open: seal the epochs that ended while no logger ran, before anything else is written. */
  sealMissedEpochs(): void {
    if (this.#sealer) this.#sealEndedEpochs();
  }

  /** Before a record is accepted (and at close): a record of a later epoch comes after its seal. */
  sealIfEpochEnded(): void {
    if (this.#sealer && this.#o.clock() >= this.#sealer.boundary) this.#sealEndedEpochs();
  }

  /** Starts the epoch timer and the checkpoint interval (both unref'd). */
  start(): void {
    this.#scheduleEpochTimer();
    if (this.#checkpointer) {
      this.#checkpointTimer = setInterval(() => void this.#writeCheckpoint(), this.#checkpointer.everySeconds * 1000);
      this.#checkpointTimer.unref();
    }
  }

  /** Records up to `seq` are durable: the sealing state file may move on to the next epoch key. */
  durable(seq: number): void {
    if (!this.#sealer) return;
    try {
      this.#sealer.stateDurable(seq);
    } catch (err) {
      this.#o.log.error('could not write the audit sealing state; retried after the next durable write', errInfo(err));
    }
  }

  stopTimers(): void {
    if (this.#epochTimer) clearTimeout(this.#epochTimer);
    if (this.#checkpointTimer) clearInterval(this.#checkpointTimer);
  }

  /**
   * At close, after the last write: checkpoint the closing head (if durable) and drop the epoch key.
   * With witnesses, each is asked once more (no retries; a hung one costs its request timeout).
   */
  async close(head: { size: number; hash: string }): Promise<void> {
    const witnesses = this.#checkpointer?.witnesses;
    if (witnesses && this.#o.tree && this.#o.tree.size >= head.size) {
      witnesses.stopRetrying();
      await this.#cosigning;
      await this.#writeWitnessed(head.size, false);
    } else this.#writeCheckpointOf(head.size, head.hash);
    this.#sealer?.close();
  }

  /** The logger failed to open: drop the epoch key, write nothing. */
  abandon(): void {
    this.#sealer?.close();
  }

  /**
   * Seal every epoch that is over, oldest first, each written through (fsync) so that the state
   * file can move on (in durable()) before the next.
   */
  #sealEndedEpochs(): void {
    const sealer = this.#sealer!;
    const { queue, writer, clock } = this.#o;
    while (clock() >= sealer.boundary) {
      queue.appendInternal('audit.epoch_sealed', sealer.tag(queue.prev));
      sealer.advance(queue.nextSeq - 1);
      try {
        writer.writeThroughSync();
      } catch (err) {
        this.#o.writeFailed(err, 'epoch seal write');
        return; // the seal stays queued; the state file waits until it is durable
      }
    }
  }

  #scheduleEpochTimer(): void {
    if (!this.#sealer || this.#o.stopping()) return;
    const wait = Math.min(Math.max(this.#sealer.boundary - this.#o.clock(), 0) + 1, 2 ** 31 - 1);
    this.#epochTimer = setTimeout(() => {
      this.#epochTimer = null;
      if (this.#o.stopping()) return;
      this.#sealEndedEpochs();
      this.#scheduleEpochTimer();
    }, wait);
    this.#epochTimer.unref(); // an idle process may exit; the next open seals what it missed
  }

  async #writeCheckpoint(): Promise<void> {
    if (this.#cosigning) return; // the last round still waits on a witness; the next tick covers this head
    const size = this.#o.queue.nextSeq;
    const hash = this.#o.queue.prev;
    try {
      await this.#o.flush();
    } catch (err) {
      // Not durable (e.g. the log directory is gone): no checkpoint for this head; the next covers it.
      this.#o.log.error('audit checkpoint skipped: its records are not durable', errInfo(err));
      return;
    }
    if (this.#checkpointer?.witnesses && this.#o.tree && this.#o.tree.size >= size) {
      this.#cosigning = this.#writeWitnessed(size, true).finally(() => (this.#cosigning = null));
      await this.#cosigning;
    } else this.#writeCheckpointOf(size, hash);
  }

  /** A v2 note sent to the witnesses first, written with the cosignatures they gave (SPEC §8). */
  async #writeWitnessed(size: number, recordRefusals: boolean): Promise<void> {
    const checkpointer = this.#checkpointer!;
    const tree = this.#o.tree!;
    if (!checkpointer.wants(size) || this.#o.writer.durableSeq < size - 1) return;
    try {
      const note = checkpointer.noteV2(size, tree.root(size));
      const proofFrom = (m: number) => (m <= size ? tree.consistencyProof(m, size) : null);
      const { note: cosigned, round } = await checkpointer.witnesses!.cosign(note, size, proofFrom);
      checkpointer.writeNoteText(size, cosigned);
      for (const r of round.refusals) {
        const detail = {
          witness: r.witness,
          ...(r.status === null ? {} : { status: r.status }),
          reason: r.reason,
          size,
        };
        this.#o.log.warn('a witness did not cosign the audit checkpoint', detail);
        if (recordRefusals && !this.#o.stopping()) this.#o.queue.appendInternal('audit.witness_refused', detail);
      }
      if (recordRefusals && round.refusals.length > 0) void this.#o.flush().catch(() => {});
    } catch (err) {
      this.#o.log.error(
        'could not write a witnessed audit checkpoint; the next one will cover its records',
        errInfo(err),
      );
    }
  }

  /** Sign and write the head (size, hash) once it is durable. */
  #writeCheckpointOf(size: number, hash: string): void {
    if (!this.#checkpointer || this.#o.writer.durableSeq < size - 1) return;
    try {
      const tree = this.#o.tree;
      if (tree && tree.size >= size) this.#checkpointer.writeV2(size, () => tree.root(size));
      else this.#checkpointer.write(size, hash);
    } catch (err) {
      this.#o.log.error('could not write an audit checkpoint; the next one will cover its records', errInfo(err));
    }
  }
}
