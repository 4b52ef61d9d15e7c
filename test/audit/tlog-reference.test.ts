// A second, independent check of the SPEC §8 tree: a literal RFC 6962 §2.1 reference written here
// (MTH, PATH, PROOF/SUBPROOF over the entry list, recursing on slices, no stored hashes, nothing
// imported from the library) must agree with the library's roots and proofs for random sizes,
// and the library's verifiers must accept exactly the reference's proofs.
import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MemoryTree,
  TreeFrontier,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../lib/audit/tlog/index.js';

// ---- the reference (RFC 6962 §2.1, literally) ----
const H = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.floor(Math.log2(n - 1)); // largest power of 2 < n, n > 1
function MTH(D: Buffer[]): Buffer {
  if (D.length === 0) return H();
  if (D.length === 1) return H(Buffer.from([0]), D[0]!);
  const s = k(D.length);
  return H(Buffer.from([1]), MTH(D.slice(0, s)), MTH(D.slice(s)));
}
function PATH(m: number, D: Buffer[]): Buffer[] {
  if (D.length === 1) return [];
  const s = k(D.length);
  return m < s ? [...PATH(m, D.slice(0, s)), MTH(D.slice(s))] : [...PATH(m - s, D.slice(s)), MTH(D.slice(0, s))];
}
function SUBPROOF(m: number, D: Buffer[], b: boolean): Buffer[] {
  const n = D.length;
  if (m === n) return b ? [] : [MTH(D)];
  const s = k(n);
  return m <= s
    ? [...SUBPROOF(m, D.slice(0, s), b), MTH(D.slice(s))]
    : [...SUBPROOF(m - s, D.slice(s), false), MTH(D.slice(0, s))];
}
const PROOF = (m: number, D: Buffer[]) => (m === 0 || m === D.length ? [] : SUBPROOF(m, D, true));

// ---- the library ----
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hex = (bs: Uint8Array[]) => bs.map((b) => Buffer.from(b).toString('hex'));

function entries(seed: number, n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => H(Buffer.from(`${seed}:${i}`)));
}

t.test('roots, inclusion and consistency proofs agree with the RFC 6962 reference', async (t) => {
  let runs = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), fc.nat(), fc.nat(), (n, seed, a, b) => {
      const D = entries(seed, n);
      const tree = new MemoryTree(sha256);
      for (const e of D) tree.appendEntry(e);
      const size = 1 + (a % n);
      const Ds = D.slice(0, size);
      const root = MTH(Ds);
      if (Buffer.compare(Buffer.from(treeRoot(sha256, tree.source, size)), root) !== 0) return false;
      const index = b % size;
      const path = inclusionProof(sha256, tree.source, index, size);
      if (hex(path).join() !== hex(PATH(index, Ds)).join()) return false;
      if (!verifyInclusion(sha256, leafHash(sha256, D[index]!), index, size, PATH(index, Ds), root)) return false;
      if (size > 1 && verifyInclusion(sha256, leafHash(sha256, D[index]!), (index + 1) % size, size, path, root))
        return false;
      const m = b % (size + 1);
      const proof = consistencyProof(sha256, tree.source, m, size);
      if (hex(proof).join() !== hex(PROOF(m, Ds)).join()) return false;
      if (m > 0 && !verifyConsistency(sha256, m, size, MTH(D.slice(0, m)), root, PROOF(m, Ds))) return false;
      if (m > 0 && m < size && verifyConsistency(sha256, m, size, MTH(D.slice(0, m)), MTH(D.slice(1, size + 1)), proof))
        return false;
      runs++;
      return true;
    }),
    { numRuns: 200 },
  );
  t.equal(runs, 200, 'every run agreed');
});

t.test('the frontier gives the root of every prefix without reads', async (t) => {
  const D = entries(7, 130);
  const f = new TreeFrontier(sha256);
  for (let i = 0; i < D.length; i++) {
    f.append(leafHash(sha256, D[i]!));
    t.equal(Buffer.from(f.root()).toString('hex'), MTH(D.slice(0, i + 1)).toString('hex'), `root of ${i + 1}`);
  }
  const tree = new MemoryTree(sha256);
  for (const e of D) tree.appendEntry(e);
  t.equal(
    Buffer.from(TreeFrontier.fromSource(sha256, tree.source, 77).root()).toString('hex'),
    MTH(D.slice(0, 77)).toString('hex'),
    'frontier rebuilt from stored hashes',
  );
});
