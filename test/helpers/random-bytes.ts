// Fast deterministic pseudo-random bytes (xorshift32) for property tests with MiB-sized inputs,
// where fast-check's own byte arrays would dominate the run time. fast-check picks the seed.
export function randomBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, size >>> 2);
  let x = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  for (let i = words.length * 4; i < size; i++) out[i] = (i * 131 + seed) & 0xff;
  return out;
}

/** Splits `data` at the given fractions (0..1) into consecutive chunks, empty chunks included. */
export function splitAt(data: Uint8Array, fractions: number[]): Uint8Array[] {
  const cuts = fractions.map((f) => Math.floor(f * data.length)).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(data.subarray(from, cut));
    from = cut;
  }
  chunks.push(data.subarray(from));
  return chunks;
}
