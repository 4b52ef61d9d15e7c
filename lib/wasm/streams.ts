// Streaming hashes over one module instance. Each live stream owns a state slot in the module's
// memory (a sha256 context, counters and the tree's subtree-root stack, 4 KiB), so any number of
// streams — up to the slot count — progress independently while sharing one staging area: every
// call copies a piece into the stage and absorbs it before returning. Streams that are dropped
// without digest() give their slot back through a FinalizationRegistry.
import { InvalidArgumentError } from '../errors.js';
import { assertBytes } from '../formats/args.js';
import type { Core } from './core.js';
import { assertLeafSize } from '../formats/leaf-size.js';

export interface StreamingHash {
  /** Absorbs the next bytes; returns the stream for chaining. Throws E_ARG after digest(). */
  update(chunk: Uint8Array): this;
  /** Finalizes; any further update/digest throws E_ARG. */
  digest(): Uint8Array;
}

export interface StreamingMth extends StreamingHash {
  /** Leaves spanned by the bytes so far: ceil(bytes / leafSize). */
  leafCount(): number;
  /** Bytes absorbed so far. */
  byteCount(): number;
}

export interface LeafHashCombiner {
  /** Appends 32-byte leaf hashes, in leaf order (any multiple of 32 bytes per call). */
  push(leafHashes: Uint8Array): this;
  /** Leaf hashes pushed so far. */
  leafCount(): number;
  /** SPEC §1 root of all leaf hashes pushed; finalizes. */
  digest(): Uint8Array;
}

const slotReclaimer = new FinalizationRegistry<{ core: Core; slot: number }>(({ core, slot }) =>
  core.streamSlots.give(slot),
);

abstract class SlotStream {
  protected readonly core: Core;
  protected readonly slot: number;
  #finished = false;

  constructor(core: Core) {
    this.core = core;
    this.slot = core.streamSlots.take();
    slotReclaimer.register(this, { core, slot: this.slot }, this);
  }

  protected assertOpen(): void {
    if (this.#finished) throw new InvalidArgumentError('stream', 'digest() was already called; create a new stream');
  }

  protected finish(): void {
    this.#finished = true;
    slotReclaimer.unregister(this);
    this.core.streamSlots.give(this.slot);
  }
}

export class Sha256Stream extends SlotStream implements StreamingHash {
  constructor(core: Core) {
    super(core);
    core.x.shaBegin(this.slot);
  }

  update(chunk: Uint8Array): this {
    assertBytes(chunk, 'chunk');
    this.assertOpen();
    const { core } = this;
    for (let off = 0; off < chunk.length; off += core.stageSize) {
      const piece = chunk.subarray(off, off + core.stageSize);
      core.toStage(piece);
      core.x.shaAbsorb(this.slot, piece.length);
    }
    return this;
  }

  digest(): Uint8Array {
    this.assertOpen();
    this.core.x.shaEnd(this.slot);
    this.finish();
    return this.core.readOut();
  }
}

/**
 * mth-sha256 stream. Bytes reach the module in whole batches of stageSize (4 MiB, a multiple of
 * every leaf size up to 4 MiB), so leaves stay aligned to calls and groups of four full leaves go
 * through the 4-lane SIMD path whatever the caller's chunking; smaller updates are collected in
 * a lazily allocated batch buffer first.
 */
export class MthStream extends SlotStream implements StreamingMth {
  readonly leafSize: number;
  #pending: Uint8Array | null = null;
  #pendingLength = 0;
  #bytes = 0;
  /** Receives leaf hashes as they complete, when set (used by hashLeaves). */
  readonly #onLeaves: ((hashes: Uint8Array) => void) | undefined;

  constructor(core: Core, leafSize: number, onLeaves?: (hashes: Uint8Array) => void) {
    assertLeafSize(leafSize);
    super(core);
    this.leafSize = leafSize;
    this.#onLeaves = onLeaves;
    core.x.mthBegin(this.slot, leafSize);
  }

  update(chunk: Uint8Array): this {
    assertBytes(chunk, 'chunk');
    this.assertOpen();
    const batch = this.core.stageSize;
    let off = 0;
    if (this.#pendingLength > 0) {
      const take = Math.min(batch - this.#pendingLength, chunk.length);
      this.#pending!.set(chunk.subarray(0, take), this.#pendingLength);
      this.#pendingLength += take;
      off = take;
      if (this.#pendingLength === batch) {
        this.#feed(this.#pending!);
        this.#pendingLength = 0;
      }
    }
    for (; chunk.length - off >= batch; off += batch) this.#feed(chunk.subarray(off, off + batch));
    if (off < chunk.length) {
      this.#pending ??= new Uint8Array(batch);
      this.#pending.set(chunk.subarray(off), this.#pendingLength);
      this.#pendingLength += chunk.length - off;
    }
    this.#bytes += chunk.length;
    return this;
  }

  #feed(bytes: Uint8Array): void {
    const { core } = this;
    core.toStage(bytes);
    const emit = this.#onLeaves !== undefined;
    const completed = core.x.mthFeed(this.slot, bytes.length, emit ? 1 : 0);
    if (emit && completed > 0) this.#onLeaves!(core.read(core.leafOut, completed * 32));
  }

  leafCount(): number {
    return Math.ceil(this.#bytes / this.leafSize);
  }

  byteCount(): number {
    return this.#bytes;
  }

  digest(): Uint8Array {
    this.assertOpen();
    const { core } = this;
    if (this.#pendingLength > 0) this.#feed(this.#pending!.subarray(0, this.#pendingLength));
    this.#pendingLength = 0;
    this.#pending = null;
    if (this.#onLeaves && core.x.mthFlushLeaf(this.slot, 1) === 1) this.#onLeaves(core.read(core.leafOut, 32));
    core.x.mthEnd(this.slot);
    this.finish();
    return core.readOut();
  }
}

/** Builds the SPEC §1 root from leaf hashes computed elsewhere (workers, sampled checks). */
export class LeafCombiner extends SlotStream implements LeafHashCombiner {
  #leaves = 0;

  constructor(core: Core) {
    super(core);
    // Leaf size is irrelevant when only ready-made leaf hashes are pushed.
    core.x.mthBegin(this.slot, 4096);
  }

  push(leafHashes: Uint8Array): this {
    assertBytes(leafHashes, 'leafHashes');
    this.assertOpen();
    if (leafHashes.length % 32 !== 0) {
      throw new InvalidArgumentError('leafHashes', `length must be a multiple of 32, got ${leafHashes.length}`);
    }
    const { core } = this;
    const batch = core.stageSize - (core.stageSize % 32);
    for (let off = 0; off < leafHashes.length; off += batch) {
      const piece = leafHashes.subarray(off, off + batch);
      core.toStage(piece);
      core.x.mthPushLeaves(this.slot, piece.length / 32);
    }
    this.#leaves += leafHashes.length / 32;
    return this;
  }

  leafCount(): number {
    return this.#leaves;
  }

  digest(): Uint8Array {
    this.assertOpen();
    this.core.x.mthEnd(this.slot);
    this.finish();
    return this.core.readOut();
  }
}
