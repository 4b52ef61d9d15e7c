// The `node` engine: SPEC §1 on plain node:crypto. Slowest of the three but independent of our
// WASM and native code, which makes it the tie-breaker when engines disagree.
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { assertLeafSize } from '../formats/leaf-size.js';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

function nodeLeafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

function nodeNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * Streaming mth-sha256: leaves are hashed as they fill; subtree roots are kept on a stack
 * (RFC 6962 shape), so memory is one leaf plus O(log n) hashes whatever the input size.
 */
export class NodeMth {
  readonly leafSize: number;
  readonly #leaf: Buffer;
  #fill = 0;
  #leaves = 0;
  readonly #stack: { hash: Buffer; leaves: number }[] = [];
  #done = false;

  constructor(leafSize: number) {
    assertLeafSize(leafSize);
    this.leafSize = leafSize;
    this.#leaf = Buffer.alloc(leafSize);
  }

  update(chunk: Uint8Array): this {
    if (this.#done) throw new InvalidArgumentError('update', 'digest() was already called');
    let at = 0;
    while (at < chunk.length) {
      if (this.#fill === this.leafSize) this.#pushLeaf();
      const take = Math.min(this.leafSize - this.#fill, chunk.length - at);
      this.#leaf.set(chunk.subarray(at, at + take), this.#fill);
      this.#fill += take;
      at += take;
    }
    return this;
  }

  /** Root per SPEC §1; SHA-256 of the empty string when nothing was written. */
  digest(): Buffer {
    if (this.#done) throw new InvalidArgumentError('digest', 'digest() was already called');
    this.#done = true;
    if (this.#fill > 0 || this.#leaves === 0) {
      if (this.#fill === 0) return createHash('sha256').digest();
      this.#pushLeaf();
    }
    // Fold remaining subtrees right to left: exactly MTH's split at the largest power of two.
    let right = this.#stack.pop()!.hash;
    while (this.#stack.length > 0) right = nodeNodeHash(this.#stack.pop()!.hash, right);
    return right;
  }

  #pushLeaf(): void {
    let entry = { hash: nodeLeafHash(this.#leaf.subarray(0, this.#fill)), leaves: 1 };
    this.#fill = 0;
    this.#leaves++;
    // Merge equal-size complete subtrees, as a binary counter.
    while (this.#stack.length > 0 && this.#stack[this.#stack.length - 1]!.leaves === entry.leaves) {
      const left = this.#stack.pop()!;
      entry = { hash: nodeNodeHash(left.hash, entry.hash), leaves: left.leaves * 2 };
    }
    this.#stack.push(entry);
  }
}
