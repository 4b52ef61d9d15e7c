// Signature verification with WebCrypto (browsers and Node alike): Ed25519, and ECDSA with the
// hash SPEC §5 pairs with each curve. DSSE carries ECDSA signatures in DER; WebCrypto wants r ‖ s.
import { InvalidArgumentError } from '../errors.js';
import { assertBytes } from '../formats/args.js';
import { KeyError } from '../errors.js';
import { ownBytes, webSubtle, type WebCryptoAlgorithm, type WebCryptoKey } from '../formats/web-crypto.js';
import { EC_SIZE, ecdsaDerToRaw, type KeyAlgorithm } from './der.js';
import type { PublicKeyInfo } from './public-key.js';

/** Verifies one signature over `message`; false on any mismatch (never throws for bad signatures). */
export type SignatureVerifier = (key: PublicKeyInfo, message: Uint8Array, signature: Uint8Array) => Promise<boolean>;

export const EC_HASH: Record<Exclude<KeyAlgorithm, 'ed25519'>, 'SHA-256' | 'SHA-384' | 'SHA-512'> = {
  p256: 'SHA-256',
  p384: 'SHA-384',
  p521: 'SHA-512',
};
const CURVE = { p256: 'P-256', p384: 'P-384', p521: 'P-521' } as const;

async function importKey(key: PublicKeyInfo): Promise<WebCryptoKey> {
  const algorithm: WebCryptoAlgorithm =
    key.algorithm === 'ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: CURVE[key.algorithm] };
  try {
    return await webSubtle().importKey('spki', ownBytes(key.spki), algorithm, false, ['verify']);
  } catch (error) {
    throw new KeyError(
      'publicKey',
      `this runtime's WebCrypto cannot verify ${key.algorithm} signatures (${(error as Error).name}); use a current browser or the Node entry`,
    );
  }
}

export const webCryptoVerifier: SignatureVerifier = async (key, message, signature) => {
  if (!(key?.spki instanceof Uint8Array) || typeof key.algorithm !== 'string')
    throw new InvalidArgumentError('key', 'must be a PublicKeyInfo (from parsePublicKeyPem)');
  assertBytes(message, 'message');
  assertBytes(signature, 'signature');
  const cryptoKey = await importKey(key);
  if (key.algorithm === 'ed25519') {
    if (signature.length !== 64) return false;
    return webSubtle().verify({ name: 'Ed25519' }, cryptoKey, ownBytes(signature), ownBytes(message));
  }
  const raw = ecdsaDerToRaw(signature, EC_SIZE[key.algorithm]);
  if (raw === null) return false;
  return webSubtle().verify(
    { name: 'ECDSA', hash: EC_HASH[key.algorithm] },
    cryptoKey,
    ownBytes(raw),
    ownBytes(message),
  );
};
