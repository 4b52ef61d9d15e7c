// Leaf hashing of bytes written straight into the module's staging area, for callers that can
// fill memory themselves (digestFile's workers read file chunks directly into it with pread),
// saving a copy of every byte. Internal: not part of the package's public API.
import { compileCore, instantiateCore, type Core } from './core.js';
import { assertLeafSize } from '../formats/leaf-size.js';

/** Stream slot used by this hasher; the instance is dedicated to it. */
const SLOT = 0;

export class StagedLeafHasher {
  readonly #core: Core;
  readonly stageSize: number;

  private constructor(core: Core) {
    this.#core = core;
    this.stageSize = core.stageSize;
  }

  /** A dedicated instance (of `compiled` when given, e.g. a module posted from another thread). */
  static async create(compiled?: object): Promise<StagedLeafHasher> {
    return new StagedLeafHasher(await instantiateCore(compiled ?? (await compileCore())));
  }

  /** The staging area: write up to stageSize bytes at its start, then call absorb(length). */
  stage(): Uint8Array {
    return this.#core.bytes.subarray(this.#core.stage, this.#core.stage + this.stageSize);
  }

  /** Starts the leaves of a new chunk (the chunk must begin on a leaf boundary). */
  begin(leafSize: number): void {
    assertLeafSize(leafSize);
    this.#core.x.mthBegin(SLOT, leafSize);
  }

  /** Hashes the first `length` staged bytes; returns the leaf hashes completed (32 bytes each). */
  absorb(length: number): Uint8Array {
    const completed = this.#core.x.mthFeed(SLOT, length, 1);
    return this.#core.read(this.#core.leafOut, completed * 32);
  }

  /** Closes a short last leaf of the chunk: its hash, or nothing. */
  finish(): Uint8Array {
    const closed = this.#core.x.mthFlushLeaf(SLOT, 1);
    return this.#core.read(this.#core.leafOut, closed * 32);
  }
}
