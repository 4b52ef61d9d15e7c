// The crypto the sealing code takes, from node:crypto (Node only; browsers pass the WASM module's).
import { createHash, createHmac } from 'node:crypto';
import { sha256Hex } from './record-line.js';
import type { SealingCrypto } from '../format/sealing-crypto.js';

export const nodeSealingCrypto: SealingCrypto = {
  sha256Hex,
  sha256: (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest()),
  hmacSha256: (key, data) => new Uint8Array(createHmac('sha256', key).update(data).digest()),
};
