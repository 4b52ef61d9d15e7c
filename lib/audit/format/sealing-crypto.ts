// The crypto SPEC §6 sealing and checkpoints need, injected so the formats and the verifier stay
// browser-safe: node:crypto in Node (write/node-crypto.ts), the WASM module and Web Crypto in browsers.
import type { Sha256, VerifyEd25519 } from './checkpoint-note.js';
import type { HmacSha256 } from './epochs.js';

export interface SealingCrypto {
  /** Hex SHA-256 of a string's UTF-8 (record hashes). */
  sha256Hex: (text: string) => string;
  sha256: Sha256;
  hmacSha256: HmacSha256;
  /** Defaults to Web Crypto. */
  verifyEd25519?: VerifyEd25519;
}
