// SPEC §8 tree: RFC 6962 Merkle tree hashing over 32-byte entries (a record's raw `hash`), its
// inclusion and consistency proofs (RFC 6962 §2.1.1–2.1.2, verified as RFC 9162 §2.1.3–2.1.4), and
// the stored-hash layout of Go's sumdb/tlog (one append-only sequence: each leaf, then the interior
// hashes it completes), so a writer can persist the tree as it grows and read any hash back.
// Browser-safe: SHA-256 is injected.
import type { Sha256 } from '../format/checkpoint-note.js';
import { constantTimeEqual } from '../../formats/constant-time.js';

/**
 * The hash of the complete subtree at `level` with index `index` (it covers entries
 * index·2^level … (index+1)·2^level − 1); level 0 is a leaf hash. Throws if it is not stored.
 */
export type HashSource = (level: number, index: number) => Uint8Array;

/** SHA-256(0x00 ‖ entry). */
export function leafHash(sha256: Sha256, entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(entry.length + 1);
  input.set(entry, 1);
  return sha256(input);
}

// Reused: a typed array over 64 bytes lives outside V8's heap and costs more to allocate than
// the hash itself (sha256 reads it synchronously and keeps nothing).
const nodeInput = new Uint8Array(65);
nodeInput[0] = 0x01;

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(sha256: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
}

/** The root of the empty tree: SHA-256 of the empty string. */
export function emptyRoot(sha256: Sha256): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** The largest power of two strictly below n (n ≥ 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && splitPoint(n + 1) === n;
}

/** log2 of a power of two. */
function log2(n: number): number {
  let l = 0;
  while (2 ** l < n) l++;
  return l;
}

/** MTH over entries lo … hi − 1 (hi > lo), from the stored complete subtrees. */
export function rangeHash(sha256: Sha256, src: HashSource, lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (isPowerOfTwo(n) && lo % n === 0) return src(log2(n), lo / n);
  const k = splitPoint(n);
  return nodeHash(sha256, rangeHash(sha256, src, lo, lo + k), rangeHash(sha256, src, lo + k, hi));
}

/** The root over entries 0 … size − 1 (the empty tree's root for size 0). */
export function treeRoot(sha256: Sha256, src: HashSource, size: number): Uint8Array {
  assertSize(size, 'size');
  return size === 0 ? emptyRoot(sha256) : rangeHash(sha256, src, 0, size);
}

/** The audit path of leaf `index` in the tree of `size`, the leaf's sibling first. */
export function inclusionProof(sha256: Sha256, src: HashSource, index: number, size: number): Uint8Array[] {
  assertSize(size, 'size');
  if (!Number.isSafeInteger(index) || index < 0 || index >= size)
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const out: Uint8Array[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    if (hi - lo === 1) return;
    const k = splitPoint(hi - lo);
    if (m < k) {
      walk(m, lo, lo + k);
      out.push(rangeHash(sha256, src, lo + k, hi));
    } else {
      walk(m - k, lo + k, hi);
      out.push(rangeHash(sha256, src, lo, lo + k));
    }
  };
  walk(index, 0, size);
  return out;
}

/** The consistency proof from size m to size n (0 ≤ m ≤ n): empty when m is 0 or equals n. */
export function consistencyProof(sha256: Sha256, src: HashSource, m: number, n: number): Uint8Array[] {
  assertSize(n, 'n');
  if (!Number.isSafeInteger(m) || m < 0 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  const out: Uint8Array[] = [];
  if (m === 0 || m === n) return out;
  const sub = (m: number, lo: number, hi: number, whole: boolean): void => {
    if (m === hi - lo) {
      if (!whole) out.push(rangeHash(sha256, src, lo, hi));
      return;
    }
    const k = splitPoint(hi - lo);
    if (m <= k) {
      sub(m, lo, lo + k, whole);
      out.push(rangeHash(sha256, src, lo + k, hi));
    } else {
      sub(m - k, lo + k, hi, false);
      out.push(rangeHash(sha256, src, lo, lo + k));
    }
  };
  sub(m, 0, n, true);
  return out;
}

/** RFC 9162 §2.1.3.2: does `path` lead from the leaf hash at `index` to `root` in a tree of `size`? */
export function verifyInclusion(
  sha256: Sha256,
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(sha256, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(sha256, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && constantTimeEqual(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree of size m with `oldRoot` is a prefix of the tree of
 * size n with `newRoot`? For m = 0 the proof must be empty; for m = n it must be empty and the roots equal.
 */
export function verifyConsistency(
  sha256: Sha256,
  m: number,
  n: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) return false;
  if (m === 0) return proof.length === 0;
  if (m === n) return proof.length === 0 && constantTimeEqual(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(sha256, c, fr);
      sr = nodeHash(sha256, c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sha256, sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && constantTimeEqual(fr, oldRoot) && constantTimeEqual(sr, newRoot);
}

// ---- stored-hash layout (Go sumdb/tlog): leaf i is followed by the interior hashes it completes ----

/** Position of the hash (level, index) in the stored sequence. */
export function storedHashIndex(level: number, index: number): number {
  let n = index;
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  let i = 0;
  for (; n > 0; n = Math.floor(n / 2)) i += n;
  return i + level;
}

/** How many stored hashes a tree of `size` entries has. */
export function storedHashCount(size: number): number {
  if (size === 0) return 0;
  let count = storedHashIndex(0, size - 1) + 1;
  for (let i = size - 1; i % 2 === 1; i = Math.floor(i / 2)) count++;
  return count;
}

/** The largest size whose stored hashes fit in `count` (the inverse of storedHashCount, rounded down). */
export function sizeForStoredCount(count: number): number {
  let lo = 0;
  let hi = Math.max(1, count);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (storedHashCount(mid) <= count) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The right edge of a growing tree (the hashes of its maximal complete subtrees, largest first):
 * appending a leaf yields exactly the stored hashes that leaf adds, and the root needs no reads.
 */
export class TreeFrontier {
  #size = 0;
  readonly #hashes: Uint8Array[] = [];
  readonly #levels: number[] = [];

  constructor(private readonly sha256: Sha256) {}

  /** The frontier of a tree of `size` entries whose stored hashes `src` reads. */
  static fromSource(sha256: Sha256, src: HashSource, size: number): TreeFrontier {
    const edge: Uint8Array[] = [];
    let start = 0;
    for (let level = 53; level >= 0; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        edge.push(src(level, start / width));
        start += width;
      }
    }
    return TreeFrontier.fromEdge(sha256, size, edge);
  }

  /** The frontier of a tree of `size` entries from its edge (see edge()). */
  static fromEdge(sha256: Sha256, size: number, edge: readonly Uint8Array[]): TreeFrontier {
    const f = new TreeFrontier(sha256);
    for (let level = 53; level >= 0; level--) if (Math.floor(size / 2 ** level) % 2 === 1) f.#levels.push(level);
    if (edge.length !== f.#levels.length)
      throw new RangeError(`a tree of ${size} entries has ${f.#levels.length} complete subtrees, not ${edge.length}`);
    f.#hashes.push(...edge);
    f.#size = size;
    return f;
  }

  /** The roots of the tree's maximal complete subtrees, largest first: with the size, all a frontier is. */
  edge(): Uint8Array[] {
    return this.#hashes.slice();
  }

  /** Leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Adds a leaf hash; returns the stored hashes it adds (the leaf, then each completed parent). */
  append(leaf: Uint8Array): Uint8Array[] {
    const added = [leaf];
    let h = leaf;
    let level = 0;
    while (this.#levels.length > 0 && this.#levels[this.#levels.length - 1] === level) {
      h = nodeHash(this.sha256, this.#hashes.pop()!, h);
      this.#levels.pop();
      level++;
      added.push(h);
    }
    this.#hashes.push(h);
    this.#levels.push(level);
    this.#size++;
    return added;
  }

  /** The root over every appended leaf. */
  root(): Uint8Array {
    if (this.#size === 0) return emptyRoot(this.sha256);
    let r = this.#hashes[this.#hashes.length - 1]!;
    for (let i = this.#hashes.length - 2; i >= 0; i--) r = nodeHash(this.sha256, this.#hashes[i]!, r);
    return r;
  }
}

/** An in-memory tree (tests, tiles of a small log, proofs from a log without a tree file). */
export class MemoryTree {
  readonly #stored: Uint8Array[] = [];
  readonly #frontier: TreeFrontier;

  constructor(private readonly sha256: Sha256) {
    this.#frontier = new TreeFrontier(sha256);
  }

  /** Entries appended so far. */
  get size(): number {
    return this.#frontier.size;
  }

  /** Appends an entry (a raw 32-byte record hash). */
  appendEntry(entry: Uint8Array): void {
    for (const h of this.#frontier.append(leafHash(this.sha256, entry))) this.#stored.push(h);
  }

  /** Reads stored hashes. */
  readonly source: HashSource = (level, index) => {
    const h = this.#stored[storedHashIndex(level, index)];
    if (!h) throw new RangeError(`hash (${level}, ${index}) is not stored`);
    return h;
  };

  /** The root over the first `size` entries (default: all). */
  root(size = this.size): Uint8Array {
    return size === this.size ? this.#frontier.root() : treeRoot(this.sha256, this.source, size);
  }
}

function assertSize(size: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`${what} must be an integer ≥ 0`);
}
