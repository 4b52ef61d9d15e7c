// Shared by the kit's checks: the packaged build (loaded from the kit, never from a repository),
// the device under test, and a SPEC §1 oracle on node:crypto written straight from the text.
// VRR_KIT_MODE=device: the device under test is CUDA device 0 and must be usable.
// VRR_KIT_MODE=dry-run: a second host-sim device stands in for it, so the checks' own logic runs
// without a GPU (expectations that only hold on VRAM are flipped to what host-sim must say).
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkg = new URL('../../package/', import.meta.url);
/** The packaged native layer (openDevice, cpuEngine, nativeStatus). */
export const native = await import(new URL('dist/native/index.js', pkg).href);
/** The packaged SDK entry point. */
export const sdk = await import(new URL('dist/index.js', pkg).href);

export const onDevice = process.env.VRR_KIT_MODE === 'device';
export const MiB = 1024 * 1024;
export const status = native.nativeStatus();

/** Opens the device under test: CUDA on a device run, host-sim (512 MiB) on a dry run. */
export async function openTarget(extra = {}) {
  if (onDevice) {
    if (!(status.loaded && status.withCuda && status.cudaDeviceCount > 0))
      throw new Error(`a device run needs a usable CUDA device: ${status.reason ?? 'none found'}`);
    return native.openDevice({ backend: 'cuda', ...extra });
  }
  return native.openDevice({ backend: 'host-sim', capacityBytes: 512 * MiB, ...extra });
}

/** A host-sim device, the reference the device under test is held to. */
export function openSim(extra = {}) {
  return native.openDevice({ backend: 'host-sim', capacityBytes: 192 * MiB, ...extra });
}

export function workDir(prefix) {
  return mkdtempSync(join(process.env.VRR_KIT_WORK ?? tmpdir(), prefix));
}

export const hex = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(size, seed) {
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

function sha256(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** SPEC §1 leaf hashes: SHA-256(0x00 ‖ leaf) for each leaf, concatenated. */
export function oracleLeafHashes(data, leafSize) {
  const count = Math.ceil(data.length / leafSize);
  const out = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++)
    out.set(sha256(Uint8Array.of(0), data.subarray(i * leafSize, Math.min((i + 1) * leafSize, data.length))), i * 32);
  return out;
}

function mthRange(leaves, from, to) {
  if (to - from === 1) return leaves.slice(from * 32, from * 32 + 32);
  let k = 1;
  while (k * 2 < to - from) k *= 2;
  return sha256(Uint8Array.of(1), mthRange(leaves, from, from + k), mthRange(leaves, from + k, to));
}

/** SPEC §1 mth-sha256 root (no leaves → SHA-256 of nothing). */
export function oracleMth(data, leafSize) {
  const leaves = oracleLeafHashes(data, leafSize);
  return leaves.length === 0 ? sha256() : mthRange(leaves, 0, leaves.length / 32);
}
