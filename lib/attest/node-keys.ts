// Key files and signing in Node (node:crypto): generate key pairs, read PKCS#8 / SPKI PEM files,
// sign DSSE payloads, verify with OpenSSL. Private keys never reach a message, a log or JSON.
import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { InvalidArgumentError, KeyError } from '../errors.js';
import { assertString, describe } from '../formats/args.js';
import { type KeyAlgorithm, spkiAlgorithm } from './der.js';
import { pae, buildBundle, IN_TOTO_PAYLOAD_TYPE, type SigstoreBundle } from './dsse.js';
import { type PublicKeyInfo, parsePublicKeyPem, publicKeyFromSpki } from './public-key.js';
import { EC_HASH, type SignatureVerifier } from './web-signature.js';

export const KEYGEN_ALGORITHMS = ['ed25519', 'p256', 'p384', 'p521'] as const;
const NAMED_CURVE = { p256: 'prime256v1', p384: 'secp384r1', p521: 'secp521r1' } as const;

/** node:crypto's digest name for an algorithm (null: Ed25519 signs the message itself). */
export function nodeHash(algorithm: KeyAlgorithm): string | null {
  return algorithm === 'ed25519' ? null : EC_HASH[algorithm].toLowerCase().replace('-', '');
}

export function parseKeyAlgorithm(name: string): KeyAlgorithm {
  if (!(KEYGEN_ALGORITHMS as readonly string[]).includes(name)) {
    throw new InvalidArgumentError('--alg', `"${name}" is not one of ${KEYGEN_ALGORITHMS.join(', ')}`);
  }
  return name as KeyAlgorithm;
}

function checkAlgorithm(algorithm: unknown): asserts algorithm is KeyAlgorithm {
  if (!(KEYGEN_ALGORITHMS as readonly unknown[]).includes(algorithm))
    throw new InvalidArgumentError('algorithm', `must be one of ${KEYGEN_ALGORITHMS.join(', ')}`);
}

/** A fresh key pair as PEM text: PKCS#8 private, SPKI public (SPEC §5 canonical form). */
export function generateKeyPair(algorithm: KeyAlgorithm): { privatePem: string; publicPem: string } {
  checkAlgorithm(algorithm);
  const pair =
    algorithm === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: NAMED_CURVE[algorithm] });
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** Writes PREFIX.key (0600) and PREFIX.pub; refuses to replace either. Returns the paths and hint. */
export async function writeKeyPair(
  prefix: string,
  algorithm: KeyAlgorithm,
): Promise<{ privatePath: string; publicPath: string; hint: string }> {
  assertString(prefix, 'prefix');
  checkAlgorithm(algorithm);
  const privatePath = `${prefix}.key`;
  const publicPath = `${prefix}.pub`;
  for (const path of [privatePath, publicPath]) {
    const exists = await fsp.lstat(path).then(
      () => true,
      () => false,
    );
    if (exists)
      throw new InvalidArgumentError(
        '--out',
        `${path} already exists; keygen never replaces a key (choose another prefix)`,
      );
  }
  const { privatePem, publicPem } = generateKeyPair(algorithm);
  await writeNew(privatePath, privatePem, 0o600);
  await writeNew(publicPath, publicPem, 0o644);
  return { privatePath, publicPath, hint: (await parsePublicKeyPem(publicPem)).hint };
}

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'wx', mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(
      '--out',
      `cannot create ${path} (${code === 'EEXIST' ? 'it already exists' : code})`,
    );
  }
  try {
    await handle.chmod(mode); // the umask must not widen or narrow it
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A private key ready to sign, with its public half. */
export interface SigningKey {
  readonly algorithm: KeyAlgorithm;
  readonly publicKey: PublicKeyInfo;
  /** Signs DSSE PAE bytes (never exposes the key). */
  sign(message: Uint8Array): Uint8Array;
}

/** A signing key from PKCS#8 PEM text (or bytes), a node:crypto private KeyObject, or one already loaded. Throws KeyError. */
export async function loadSigningKey(input: string | Uint8Array | KeyObject | SigningKey): Promise<SigningKey> {
  if (isSigningKey(input)) return input;
  if (typeof input !== 'string' && !(input instanceof Uint8Array) && !(input instanceof KeyObject))
    throw new InvalidArgumentError(
      'privateKey',
      `must be PEM text or bytes, a private KeyObject or a SigningKey, got ${describe(input)}`,
    );
  let key: KeyObject;
  try {
    key =
      typeof input === 'string' || input instanceof Uint8Array
        ? createPrivateKey({ key: Buffer.from(input), format: 'pem' })
        : input;
  } catch {
    const text = typeof input === 'string' ? input : Buffer.from(input as Uint8Array).toString('latin1');
    const why = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)
      ? 'it is encrypted (give an unencrypted PKCS#8 key)'
      : 'it is not a PEM private key';
    throw new KeyError('privateKey', `cannot be used: ${why}`); // no cause: it could quote the input
  }
  if (key.type !== 'private') throw new KeyError('privateKey', 'a private key is needed to sign, got a public key');
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  let algorithm: KeyAlgorithm;
  try {
    algorithm = spkiAlgorithm(spki);
  } catch (error) {
    throw new KeyError(
      'privateKey',
      `cannot sign with this key: ${(error as Error).message} (use Ed25519 or ECDSA P-256/P-384/P-521)`,
    );
  }
  const publicKey = await publicKeyFromSpki(spki);
  const hash = nodeHash(algorithm);
  return {
    algorithm,
    publicKey,
    sign: (message) => new Uint8Array(sign(hash, message, key)),
    toString: () => `[SigningKey ${algorithm} ${publicKey.hint.slice(0, 16)}…]`,
    toJSON: () => ({ algorithm, hint: publicKey.hint }),
  } as SigningKey;
}

function isSigningKey(value: unknown): value is SigningKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SigningKey).sign === 'function' &&
    'publicKey' in value
  );
}

/** Reads a key file as text; a missing or unreadable file is a usage error naming the flag. */
export async function readKeyFile(path: string, flag: string): Promise<string> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(flag, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Reads and loads a private key file (PEM); an unreadable file is E_ARG naming `flag`, a key that is not one E_KEY. */
export async function loadSigningKeyFile(path: string, flag = '--sign-key'): Promise<SigningKey> {
  return loadSigningKey(await readKeyFile(path, flag));
}

/** Signs an in-toto payload into a Sigstore bundle v0.3 (SPEC §5). */
export function signPayload(key: SigningKey, payload: Uint8Array): SigstoreBundle {
  return buildBundle(key.publicKey.hint, payload, key.sign(pae(IN_TOTO_PAYLOAD_TYPE, payload)));
}

/** node:crypto verification (OpenSSL): DER ECDSA as DSSE carries it, Ed25519 as is. */
export const nodeCryptoVerifier: SignatureVerifier = async (key, message, signature) => {
  const publicKey = createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' });
  try {
    return verify(nodeHash(key.algorithm), message, publicKey, signature);
  } catch {
    return false; // e.g. a signature that is not DER
  }
};
