// The log's SPEC §8 Merkle tree kept on disk beside the segments: DIR/tlog-tree.hashes holds every
// stored hash (Go sumdb/tlog order: leaf i, then the interior hashes it completes), 32 bytes each,
// appended as records are written and fsynced when a segment closes (rotation, close). It is
// a cache of the segments: on open, what a crash may have lost (the open segment's records) is
// recomputed from the record hashes, so a root at any size or a proof for any seq reads only
// O(log n) hashes, never the log.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLogCorruptError } from '../../errors.js';
import type { FileLayer } from './file-layer.js';
import { sha256Bytes } from './node-crypto.js';
import { nativeTlogAppend, type TlogBatchAppend } from '../../native/tlog-append.js';
import { listSegments } from './segments.js';
import { lineHash, recordLinesFrom } from './segment-scan.js';
import {
  consistencyProof,
  type HashSource,
  inclusionProof,
  sizeForStoredCount,
  storedHashCount,
  storedHashIndex,
  TreeFrontier,
  treeRoot,
} from '../tlog/tree.js';

export const TREE_FILE = 'tlog-tree.hashes';

const leafInput = Buffer.alloc(33);
/** SHA-256(0x00 ‖ raw hash) of a record's hex `hash`. */
export function leafOfHex(hashHex: string): Uint8Array {
  leafInput.write(hashHex, 1, 'hex');
  return sha256Bytes(leafInput);
}

/** Batches at least this long go to the addon in one call; shorter ones cost less in JS. */
const NATIVE_BATCH = 4;

export class TreeFile {
  readonly #fd: number;
  readonly #layer: FileLayer | null;
  /** Stored hashes in the file (written, maybe not yet fsynced). */
  #fileCount: number;
  /** Stored hashes not yet written, 32 bytes each (a failed write keeps them until the next try). */
  #pending = new Uint8Array(64 * 1024);
  #pendingCount = 0;
  #frontier: TreeFrontier;
  readonly #batchAppend: TlogBatchAppend | null;

  private constructor(
    fd: number,
    layer: FileLayer | null,
    fileCount: number,
    size: number,
    batch: TlogBatchAppend | null,
  ) {
    this.#fd = fd;
    this.#layer = layer;
    this.#fileCount = fileCount;
    this.#batchAppend = batch;
    this.#frontier = TreeFrontier.fromSource(sha256Bytes, this.source, size);
  }

  /**
   * The writer's tree of a log of `nextSeq` records: the file's hashes for records of closed
   * segments are kept (fsynced at rotation), the open segment's records are recomputed.
   */
  static openForWriter(
    dir: string,
    layer: FileLayer,
    nextSeq: number,
    batch: TlogBatchAppend | null = nativeTlogAppend(),
  ): TreeFile {
    const path = join(dir, TREE_FILE);
    const created = !existsSync(path);
    const fd = layer.openSync(path, created ? 'w+' : 'r+', 0o600);
    if (created) layer.fsyncDirSync(dir);
    const segments = listSegments(dir);
    const openSegmentFirst = segments.length > 0 ? segments[segments.length - 1]!.firstSeq : 0;
    const onDisk = sizeForStoredCount(Math.floor(fstatSync(fd).size / 32));
    const keep = Math.min(onDisk, nextSeq, openSegmentFirst);
    layer.ftruncateSync(fd, storedHashCount(keep) * 32);
    const tree = new TreeFile(fd, layer, storedHashCount(keep), keep, batch);
    tree.#catchUp(dir, nextSeq);
    tree.syncSync();
    return tree;
  }

  /**
   * A reader's view (CLI `audit prove`, `audit tiles`): the file as it is, and in memory whatever
   * it lacks of the log's `size` records (a writer that crashed and was not reopened yet).
   */
  static openForReader(dir: string, size: number, batch: TlogBatchAppend | null = nativeTlogAppend()): TreeFile {
    const path = join(dir, TREE_FILE);
    const fd = openSync(existsSync(path) ? path : '/dev/null', 'r');
    const onDisk = Math.min(sizeForStoredCount(Math.floor(fstatSync(fd).size / 32)), size);
    const tree = new TreeFile(fd, null, storedHashCount(onDisk), onDisk, batch);
    tree.#catchUp(dir, size);
    return tree;
  }

  get size(): number {
    return this.#frontier.size;
  }

  /** Adds written records (in seq order; ones the tree already has are skipped) and writes their hashes. */
  append(records: readonly { seq: number; hash: string }[]): void {
    let first = 0;
    while (first < records.length && records[first]!.seq < this.size) first++;
    if (first < records.length) this.#appendFrom(records, first);
    try {
      this.#flushPending();
    } catch {
      // Kept pending and written with the next append or sync (which reports a lasting failure).
    }
  }

  /** Appends records[first…] (they must continue the tree without a gap). */
  #appendFrom(records: readonly { seq: number; hash: string }[], first: number): void {
    const last = records[records.length - 1]!.seq;
    if (records[first]!.seq !== this.size || last !== this.size + records.length - first - 1)
      throw new Error(`tree: records ${records[first]!.seq}…${last} after ${this.size - 1} are not consecutive`);
    if (this.#batchAppend && records.length - first >= NATIVE_BATCH) {
      let hex = '';
      for (let i = first; i < records.length; i++) hex += records[i]!.hash;
      const out = this.#batchAppend(this.size, this.#frontier.edge(), hex);
      this.#frontier = TreeFrontier.fromEdge(sha256Bytes, last + 1, out.edge);
      this.#addPending(out.stored);
    } else {
      for (let i = first; i < records.length; i++)
        for (const h of this.#frontier.append(leafOfHex(records[i]!.hash))) this.#addPending(h);
    }
  }

  /** Reads a stored hash (file or not-yet-written pending). */
  readonly source: HashSource = (level, index) => {
    const i = storedHashIndex(level, index);
    if (i >= this.#fileCount) {
      const at = (i - this.#fileCount) * 32;
      if (i - this.#fileCount >= this.#pendingCount)
        throw new RangeError(`tree hash (${level}, ${index}) is not stored`);
      return this.#pending.slice(at, at + 32);
    }
    const out = Buffer.allocUnsafe(32);
    if (readSync(this.#fd, out, 0, 32, i * 32) !== 32) throw new RangeError(`tree file ends before hash ${i}`);
    return out;
  };

  /** The root over the first `size` records (default: all). */
  root(size = this.size): Uint8Array {
    if (size > this.size) throw new RangeError(`the tree has ${this.size} records, not ${size}`);
    return size === this.size ? this.#frontier.root() : treeRoot(sha256Bytes, this.source, size);
  }

  /** The audit path of record `seq` in the tree of `size`. */
  inclusionProof(seq: number, size: number): Uint8Array[] {
    return inclusionProof(sha256Bytes, this.source, seq, size);
  }

  /** The consistency proof from size m to size n. */
  consistencyProof(m: number, n: number): Uint8Array[] {
    return consistencyProof(sha256Bytes, this.source, m, n);
  }

  syncSync(): void {
    if (!this.#layer) return;
    this.#flushPending();
    this.#layer.fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#layer) this.#layer.closeSync(this.#fd);
    else closeSync(this.#fd);
  }

  /** Appends the records from the tree's size up to `size` read from the segments. */
  #catchUp(dir: string, size: number): void {
    if (this.size >= size) return;
    const batch: { seq: number; hash: string }[] = [];
    for (const { seq, line } of recordLinesFrom(dir, this.size)) {
      if (seq >= size) break;
      batch.push({ seq, hash: lineHash(line, `record ${seq}`) });
      if (batch.length >= 16384) this.append(batch.splice(0));
    }
    this.append(batch);
    if (this.size < size)
      throw new AuditLogCorruptError(`the log in ${dir} holds ${this.size} records; ${size} are needed (was it cut?)`);
  }

  /** Queues stored hashes (32 bytes each) for the file. */
  #addPending(hashes: Uint8Array): void {
    const end = this.#pendingCount * 32 + hashes.length;
    if (end > this.#pending.length) {
      const grown = new Uint8Array(Math.max(end, 2 * this.#pending.length));
      grown.set(this.#pending.subarray(0, this.#pendingCount * 32));
      this.#pending = grown;
    }
    this.#pending.set(hashes, this.#pendingCount * 32);
    this.#pendingCount += hashes.length / 32;
  }

  /** Writes pending hashes at the end of the file; a failure keeps them pending (retried on the next call). */
  #flushPending(): void {
    if (this.#pendingCount === 0 || !this.#layer) return;
    const bytes = this.#pendingCount * 32;
    let done = 0;
    try {
      while (done < bytes)
        done += this.#layer.writeSync(this.#fd, this.#pending, done, bytes - done, this.#fileCount * 32 + done);
    } finally {
      const whole = Math.floor(done / 32);
      this.#fileCount += whole;
      this.#pending.copyWithin(0, whole * 32, bytes);
      this.#pendingCount -= whole;
    }
  }
}
