// Reference implementation of SPEC §1 on node:crypto, written straight from the text (recursive
// MTH), for property tests of every engine. Slow on purpose: clarity over speed.
import { createHash } from 'node:crypto';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** leafHash(d) = SHA-256(0x00 ‖ d) */
export function oracleLeafHash(leaf: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), leaf);
}

/** nodeHash(a, b) = SHA-256(0x01 ‖ a ‖ b) */
export function oracleNodeHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1), a, b);
}

/** The leaf hashes of `data`, leaf i = data[i·L, min((i+1)·L, n)), concatenated (32 bytes each). */
export function oracleLeafHashes(data: Uint8Array, leafSize: number): Uint8Array {
  const count = Math.ceil(data.length / leafSize);
  const out = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) {
    out.set(oracleLeafHash(data.subarray(i * leafSize, Math.min((i + 1) * leafSize, data.length))), i * 32);
  }
  return out;
}

/** MTH over the leaf hashes [from, to): k = largest power of two strictly less than the count. */
function mthRange(leafHashes: Uint8Array, from: number, to: number): Uint8Array {
  const m = to - from;
  if (m === 1) return leafHashes.slice(from * 32, from * 32 + 32);
  let k = 1;
  while (k * 2 < m) k *= 2;
  return oracleNodeHash(mthRange(leafHashes, from, from + k), mthRange(leafHashes, from + k, to));
}

/** SPEC §1 root from concatenated leaf hashes; no leaves → SHA-256(""). */
export function oracleRootFromLeafHashes(leafHashes: Uint8Array): Uint8Array {
  const m = leafHashes.length / 32;
  return m === 0 ? sha256() : mthRange(leafHashes, 0, m);
}

/** SPEC §1 mth-sha256 root of `data`. */
export function oracleMth(data: Uint8Array, leafSize: number): Uint8Array {
  return oracleRootFromLeafHashes(oracleLeafHashes(data, leafSize));
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}
