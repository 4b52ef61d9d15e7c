// The crypto the sealing code takes, from node:crypto (Node only; browsers pass the WASM module's).
import { createHash, createHmac, createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { VerifyEd25519 } from '../format/checkpoint-note.js';
import { sha256Hex } from './record-line.js';
import type { SealingCrypto } from '../format/sealing-crypto.js';

export const nodeSealingCrypto: SealingCrypto = {
  sha256Hex,
  sha256: (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest()),
  hmacSha256: (key, data) => new Uint8Array(createHmac('sha256', key).update(data).digest()),
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
