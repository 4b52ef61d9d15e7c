// The writer's tree file hashed two ways: in the addon, one call per batch (the writer's default
// where the addon loads), and in JS (where it does not). For random batch sizes both must write
// the same stored hashes and give the same roots and proofs as a tree built leaf by leaf.
import t from 'tap';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inclusionProof, leafHash, MemoryTree, TreeFrontier } from '../../lib/audit/tlog/index.js';
import { nodeFileLayer } from '../../lib/audit/write/file-layer.js';
import { sha256Bytes } from '../../lib/audit/write/node-crypto.js';
import { TREE_FILE, TreeFile } from '../../lib/audit/write/tree-file.js';
import { nativeTlogAppend } from '../../lib/native/tlog-append.js';
import { freshDir } from './helpers.js';

const native = nativeTlogAppend();

function emptyDir(t: Parameters<typeof freshDir>[0]): string {
  const dir = freshDir(t);
  mkdirSync(dir, { recursive: true });
  return dir;
}

t.test('the addon and JS write the same tree file, roots and proofs, whatever the batches', async (t) => {
  t.ok(native, 'the addon loaded and has tlogAppend');
  const batches = fc.array(fc.integer({ min: 0, max: 70 }), { minLength: 1, maxLength: 12 });
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(batches, async (sizes) => {
      const dirs = [emptyDir(t), emptyDir(t)] as const;
      const viaAddon = TreeFile.openForWriter(dirs[0], nodeFileLayer, 0, native);
      const viaJs = TreeFile.openForWriter(dirs[1], nodeFileLayer, 0, null);
      const reference = new MemoryTree(sha256Bytes);
      let seq = 0;
      for (const n of sizes) {
        const records = Array.from({ length: n }, () => ({ seq: seq++, hash: randomBytes(32).toString('hex') }));
        for (const r of records) reference.appendEntry(Buffer.from(r.hash, 'hex'));
        // The writer may hand records the tree already has (a batch written again): they are skipped.
        const again = records.length > 0 ? [{ ...records[0]! }] : [];
        viaAddon.append(records);
        viaJs.append(records);
        viaAddon.append(again);
        const root = Buffer.from(reference.root()).toString('hex');
        if (Buffer.from(viaAddon.root()).toString('hex') !== root) throw new Error(`addon root at ${seq}`);
        if (Buffer.from(viaJs.root()).toString('hex') !== root) throw new Error(`JS root at ${seq}`);
      }
      viaAddon.syncSync();
      viaJs.syncSync();
      if (seq > 1) {
        const at = Math.floor(seq / 2);
        const want = Buffer.concat(inclusionProof(sha256Bytes, reference.source, at, seq)).toString('hex');
        const proof = (tree: TreeFile) => Buffer.concat(tree.inclusionProof(at, seq)).toString('hex');
        if (proof(viaAddon) !== want || proof(viaJs) !== want) throw new Error(`proof of ${at} in ${seq}`);
      }
      viaAddon.close();
      viaJs.close();
      if (!readFileSync(join(dirs[0], TREE_FILE)).equals(readFileSync(join(dirs[1], TREE_FILE))))
        throw new Error('the two tree files differ');
      runs++;
      return true;
    }),
    { numRuns: 60 },
  );
  t.equal(runs, 60, '60 histories of batches');
});

t.test(
  'the tree file holds exactly the stored hashes of a tree built leaf by leaf, after batches through the addon',
  async (t) => {
    const dir = emptyDir(t);
    const tree = TreeFile.openForWriter(dir, nodeFileLayer, 0, native);
    const frontier = new TreeFrontier(sha256Bytes);
    const expected: Uint8Array[] = [];
    let seq = 0;
    for (const n of [1, 5, 300, 2, 4096, 17]) {
      const records = Array.from({ length: n }, () => ({ seq: seq++, hash: randomBytes(32).toString('hex') }));
      tree.append(records);
      for (const r of records) expected.push(...frontier.append(leafHash(sha256Bytes, Buffer.from(r.hash, 'hex'))));
    }
    tree.syncSync();
    tree.close();
    t.same(
      readFileSync(join(dir, TREE_FILE)),
      Buffer.concat(expected),
      `${seq} records: every stored hash in sumdb order`,
    );
  },
);

t.test('the addon refuses a malformed call with E_ARG', async (t) => {
  t.ok(native, 'the addon loaded');
  t.throws(() => native!(1, [], 'ab'.repeat(32)), { code: 'E_ARG' }, 'an edge that does not match the size');
  t.throws(() => native!(0, [], 'AB'.repeat(32)), { code: 'E_ARG' }, 'upper-case hex');
  t.throws(() => native!(0, [], 'ab'.repeat(31)), { code: 'E_ARG' }, 'a short entry');
});
