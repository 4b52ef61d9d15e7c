// Sampled verification: re-hash a few random leaves on the device and compare them with the leaf
// list kept at seal time. The math below says how likely a given amount of damage is caught.
import { randomInt } from 'node:crypto';

/** `count` distinct leaf indices in [0, leafCount), fresh randomness every call (partial Fisher–Yates). */
export function sampleLeafIndices(leafCount: number, count: number): number[] {
  const n = Math.min(count, leafCount);
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = randomInt(i, leafCount);
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(atJ);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Probability that `samples` distinct random leaves out of `leafCount` include at least one of
 * `damagedLeaves` damaged ones: 1 − C(m−k, s) / C(m, s), computed as a stable product.
 */
export function detectionProbability(leafCount: number, damagedLeaves: number, samples: number): number {
  const s = Math.min(samples, leafCount);
  if (damagedLeaves <= 0 || s <= 0) return 0;
  if (damagedLeaves + s > leafCount) return 1;
  let missAll = 1;
  for (let i = 0; i < s; i++) missAll *= (leafCount - damagedLeaves - i) / (leafCount - i);
  return 1 - missAll;
}

/** Smallest sample count that catches `damagedLeaves` damaged leaves with at least `confidence`. */
export function samplesForConfidence(leafCount: number, damagedLeaves: number, confidence: number): number {
  for (let s = 1; s <= leafCount; s++) {
    if (detectionProbability(leafCount, damagedLeaves, s) >= confidence) return s;
  }
  return leafCount;
}

/** Indices (of `indices`) whose freshly computed hashes differ from the sealed leaf list. */
export function mismatchedLeaves(indices: readonly number[], fresh: Uint8Array, sealedLeafList: Uint8Array): number[] {
  const bad: number[] = [];
  indices.forEach((leaf, k) => {
    let diff = 0;
    for (let b = 0; b < 32; b++) diff |= fresh[k * 32 + b]! ^ sealedLeafList[leaf * 32 + b]!;
    if (diff !== 0) bad.push(leaf);
  });
  return bad;
}
