// The slice of WebCrypto (crypto.subtle) the SDK verifies signatures with, declared once for every
// caller (seal attestations, model signatures, checkpoint notes). Node's types and the DOM library
// each declare their own SubtleCrypto; `webSubtle()` assigns the runtime's to this interface, and
// both tsconfig.json (Node types) and tsconfig.browser.json (DOM) compile that assignment, so the
// declaration cannot drift from either. Browser-safe.
import { KeyError } from '../errors.js';

/** A key WebCrypto imported (opaque here). */
export type WebCryptoKey = object;

/** The algorithm parameters used here: Ed25519, or ECDSA with a named curve or a hash. */
export interface WebCryptoAlgorithm {
  name: 'Ed25519' | 'ECDSA';
  namedCurve?: 'P-256' | 'P-384' | 'P-521';
  hash?: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

/** What the SDK asks of `crypto.subtle`. Byte arguments are copies backed by a plain ArrayBuffer, as the DOM types want. */
export interface WebSubtle {
  importKey(
    format: 'raw' | 'spki',
    keyData: Uint8Array<ArrayBuffer>,
    algorithm: WebCryptoAlgorithm,
    extractable: boolean,
    keyUsages: 'verify'[],
  ): Promise<WebCryptoKey>;
  verify(
    algorithm: WebCryptoAlgorithm,
    key: WebCryptoKey,
    signature: Uint8Array<ArrayBuffer>,
    data: Uint8Array<ArrayBuffer>,
  ): Promise<boolean>;
}

/** A copy of `bytes` backed by its own ArrayBuffer (what WebCrypto's typings accept). */
export function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/**
 * The runtime's `crypto.subtle` (Node ≥ 20 and browsers on secure pages). Throws E_KEY naming
 * `argument` where there is none.
 */
export function webSubtle(argument = 'publicKey'): WebSubtle {
  const c = (globalThis as { crypto?: typeof globalThis.crypto }).crypto;
  if (!c?.subtle) {
    throw new KeyError(
      argument,
      'WebCrypto (crypto.subtle) is not available here; browsers expose it only on secure (https or localhost) pages',
    );
  }
  const subtle: WebSubtle = c.subtle;
  return subtle;
}
