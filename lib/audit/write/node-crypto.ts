// The crypto the sealing code takes, from node:crypto (Node only; browsers pass the WASM module's).
import * as crypto from 'node:crypto';
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { VerifyEd25519 } from '../format/checkpoint-note.js';
import { sha256Hex } from './record-line.js';
import type { SealingCrypto } from '../format/sealing-crypto.js';

// crypto.hash (Node ≥ 20.12) one-shot. Asked for a Buffer it is slow on Node 20 (1.4 µs for 33
// bytes, against 0.25 µs with text output and 1.9 µs for createHash), so the digest comes back
// as latin1 text and is copied into bytes (0.35 µs in all). The tree hashes twice per record here
// where the addon does not load (lib/native/tlog-append.ts), and a writer reopened after a long gap
// hashes seven times per missed epoch.
type OneShot = (alg: string, data: Uint8Array, enc: 'latin1') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** SHA-256 of bytes. */
export const sha256Bytes: (bytes: Uint8Array) => Uint8Array = oneShot
  ? (bytes) => {
      // Copied by hand: a 32-byte Uint8Array lives on V8's heap and is cheap, a Buffer (a pool slice) is not.
      const text = oneShot('sha256', bytes, 'latin1');
      const out = new Uint8Array(32);
      for (let i = 0; i < 32; i++) out[i] = text.charCodeAt(i);
      return out;
    }
  : (bytes) => crypto.createHash('sha256').update(bytes).digest();

const BLOCK = 64;
// Scratch for the padded blocks, reused: a typed array over 64 bytes lives outside V8's heap and
// costs about 2.5 µs to allocate, more than the two hashes of a short HMAC.
let inner = new Uint8Array(BLOCK + 128);
const outer = new Uint8Array(BLOCK + 32);

/** HMAC-SHA256 (RFC 2104) on sha256Bytes: half the cost of createHmac for short inputs. */
function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  const blockKey = key.length > BLOCK ? sha256Bytes(key) : key;
  if (inner.length < BLOCK + data.length) inner = new Uint8Array(BLOCK + data.length);
  for (let i = 0; i < BLOCK; i++) {
    const k = i < blockKey.length ? blockKey[i]! : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  inner.set(data, BLOCK);
  outer.set(sha256Bytes(inner.subarray(0, BLOCK + data.length)), BLOCK);
  inner.fill(0, 0, BLOCK + data.length);
  const mac = sha256Bytes(outer);
  outer.fill(0);
  return mac;
}

export const nodeSealingCrypto: SealingCrypto = { sha256Hex, sha256: sha256Bytes, hmacSha256 };

const ed25519Keys = new Map<string, KeyObject>();
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Ed25519 verification through node:crypto, synchronous underneath (WebCrypto's is far slower under load). */
export const nodeVerifyEd25519: VerifyEd25519 = async (publicKey, message, signature) => {
  const id = Buffer.from(publicKey).toString('hex');
  let key = ed25519Keys.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (ed25519Keys.size < 1024) ed25519Keys.set(id, key);
  }
  return verify(null, message, key, signature);
};
