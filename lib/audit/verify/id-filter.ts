// Memory-bounded duplicate-id screening for verify: a fixed 8 MiB Bloom filter (2^26 bits,
// 4 probes). It has no false negatives, so every repeated id is caught as a candidate; the rare
// false positives (≈ 0.1 % at 10 million records) are settled exactly by a second pass that keeps
// only the candidates in memory. A plain Set of every id would grow ~100 bytes per record.

const BITS_LOG2 = 26;
const MASK = (1 << BITS_LOG2) - 1;

function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class IdBloomFilter {
  readonly #bits = new Uint32Array(1 << (BITS_LOG2 - 5));

  /** Add `id`; true when it may have been added before. */
  addAndCheck(id: string): boolean {
    const h1 = fnv1a(id, 0);
    const h2 = fnv1a(id, 0x9e3779b9) | 1;
    let present = true;
    for (let k = 0; k < 4; k++) {
      const bit = (h1 + Math.imul(k, h2)) & MASK;
      const word = bit >>> 5;
      const m = 1 << (bit & 31);
      if ((this.#bits[word]! & m) === 0) {
        present = false;
        this.#bits[word]! |= m;
      }
    }
    return present;
  }
}
