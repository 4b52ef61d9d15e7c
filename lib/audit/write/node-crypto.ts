// The crypto the sealing code takes, from node:crypto (Node only; browsers pass the WASM module's).
import * as crypto from 'node:crypto';
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { VerifyEd25519 } from '../format/checkpoint-note.js';
import { sha256Hex } from './record-line.js';
import type { SealingCrypto } from '../format/sealing-crypto.js';

// crypto.hash (Node ≥ 20.12) one-shot: HMAC built on it (RFC 2104) is about twice as fast as
// createHmac for the 32-byte keys and short inputs of epoch sealing, which a writer reopened after
// a long gap computes twice per missed epoch.
type OneShot = (alg: string, data: Uint8Array, enc: 'buffer') => Buffer;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
const BLOCK = 64;

function hmacOneShot(hash: OneShot, key: Uint8Array, data: Uint8Array): Uint8Array {
  const inner = new Uint8Array(BLOCK + data.length);
  const outer = new Uint8Array(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    const k = i < key.length ? key[i]! : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  inner.set(data, BLOCK);
  outer.set(hash('sha256', inner, 'buffer'), BLOCK);
  inner.fill(0, 0, BLOCK);
  const mac = new Uint8Array(hash('sha256', outer, 'buffer'));
  outer.fill(0, 0, BLOCK);
  return mac;
}

export const nodeSealingCrypto: SealingCrypto = {
  sha256Hex,
  sha256: (bytes) => new Uint8Array(crypto.createHash('sha256').update(bytes).digest()),
  hmacSha256: (key, data) =>
    oneShot && key.length <= BLOCK
      ? hmacOneShot(oneShot, key, data)
      : new Uint8Array(crypto.createHmac('sha256', key).update(data).digest()),
};

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
