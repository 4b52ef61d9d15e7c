// Public keys as SPEC §5 names them (no Node imports): SPKI PEM text in, the algorithm, the DER,
// the canonical PEM and its `hint` out. Text around the PEM block (e.g. certtool's summary) is allowed.
import { assertText } from '../formats/args.js';
import { KeyError } from '../errors.js';
import { decodeBase64, encodeBase64 } from '../wasm/base64.js';
import { toHex } from '../formats/hex.js';
import { loadWasm } from '../wasm/load.js';
import { type KeyAlgorithm, spkiAlgorithm } from './der.js';

export type { KeyAlgorithm };

export interface PublicKeyInfo {
  readonly algorithm: KeyAlgorithm;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  /** SPKI PEM as SPEC §5 writes it: 64-character base64 lines, trailing LF. */
  readonly pem: string;
  /** Hex SHA-256 of `pem`: the bundle's verificationMaterial.publicKey.hint. */
  readonly hint: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** The DER of every PEM block with the given label. */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] !== label) continue;
    const body = m[2]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new KeyError('publicKey', `the ${label} block is not valid base64`);
    out.push(decodeBase64(body));
  }
  return out;
}

export function encodePem(der: Uint8Array, label: string): string {
  const b64 = encodeBase64(der);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** Reads an SPKI DER (already decoded) into everything a verifier needs. */
export async function publicKeyFromSpki(spki: Uint8Array): Promise<PublicKeyInfo> {
  let algorithm: KeyAlgorithm;
  try {
    algorithm = spkiAlgorithm(spki);
  } catch (error) {
    throw new KeyError(
      'publicKey',
      `not usable: ${(error as Error).message} (SPEC §5 keys are Ed25519 or ECDSA P-256/P-384/P-521)`,
    );
  }
  const pem = encodePem(spki, 'PUBLIC KEY');
  const hint = toHex((await loadWasm()).sha256(new TextEncoder().encode(pem)));
  return { algorithm, spki: spki.slice(), pem, hint };
}

/** Parses SPKI PEM text (exactly one PUBLIC KEY block). Throws KeyError. */
export async function parsePublicKeyPem(text: string | Uint8Array): Promise<PublicKeyInfo> {
  assertText(text, 'publicKey');
  const pemText = typeof text === 'string' ? text : new TextDecoder().decode(text);
  const blocks = pemBlocks(pemText, 'PUBLIC KEY');
  if (blocks.length !== 1) {
    const hint = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pemText)
      ? ' (this looks like a private key: give the .pub file)'
      : '';
    throw new KeyError(
      'publicKey',
      `expected exactly one "-----BEGIN PUBLIC KEY-----" block, found ${blocks.length}${hint}`,
    );
  }
  return publicKeyFromSpki(blocks[0]!);
}
