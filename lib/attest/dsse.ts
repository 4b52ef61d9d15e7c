// DSSE envelopes in Sigstore bundle v0.3 JSON (SPEC §5), browser-safe: PAE, building a bundle
// around a signed payload, and reading one back with every shape rule checked ("malformed").
import { assertBytes, assertString } from '../formats/args.js';
import { MalformedSealError } from '../errors.js';
import { decodeBase64, encodeBase64 } from '../wasm/base64.js';
import { strictJsonProblem } from '../formats/strict-json.js';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A Sigstore bundle v0.3 carrying one DSSE signature, as written to JSON. */
export interface SigstoreBundle {
  mediaType: typeof BUNDLE_MEDIA_TYPE;
  verificationMaterial: { publicKey: { hint: string }; tlogEntries: [] };
  dsseEnvelope: { payload: string; payloadType: string; signatures: [{ sig: string; keyid: string }] };
}

/** What a verifier takes from a bundle after its shape is checked. */
export interface ParsedBundle {
  payloadType: string;
  payload: Uint8Array;
  signature: Uint8Array;
  /** verificationMaterial.publicKey.hint, or null when absent (older model_signing bundles). */
  hint: string | null;
  /** The key PEM bundled by model_signing before v1.1 (`rawBytes`), or null. */
  rawKeyPem: string | null;
}

const utf8 = new TextEncoder();

/** DSSE v1 pre-authentication encoding. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  assertString(payloadType, 'payloadType');
  assertBytes(payload, 'payload');
  const type = utf8.encode(payloadType);
  const head = utf8.encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

export function buildBundle(hint: string, payload: Uint8Array, signature: Uint8Array): SigstoreBundle {
  return {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint }, tlogEntries: [] },
    dsseEnvelope: {
      payload: encodeBase64(payload),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: encodeBase64(signature), keyid: '' }],
    },
  };
}

function malformed(message: string): never {
  throw new MalformedSealError(`bundle: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Every member a bundle may have, per object: a member we do not read could carry a claim a
 * reader believes was checked (a certificate, a timestamp, a transparency-log entry), so any other is refused.
 */
const MEMBERS = {
  bundle: ['mediaType', 'verificationMaterial', 'dsseEnvelope'],
  verificationMaterial: ['publicKey', 'tlogEntries'],
  publicKey: ['hint', 'rawBytes', 'keyDetails'],
  dsseEnvelope: ['payload', 'payloadType', 'signatures'],
  'signatures[0]': ['sig', 'keyid'],
} as const;

function onlyKnownMembers(o: Record<string, unknown>, where: keyof typeof MEMBERS): void {
  const allowed: readonly string[] = MEMBERS[where];
  const unknown = Object.keys(o).find((k) => !allowed.includes(k));
  if (unknown !== undefined)
    malformed(
      `${where === 'bundle' ? 'the bundle' : where} has an unknown member "${unknown.slice(0, 40)}" (allowed: ${allowed.join(', ')})`,
    );
}

function base64Member(owner: Record<string, unknown>, name: string, where: string): Uint8Array {
  const v = owner[name];
  if (typeof v !== 'string' || v.length === 0) malformed(`${where}.${name} must be a non-empty base64 string`);
  try {
    return decodeBase64(v);
  } catch {
    return malformed(`${where}.${name} is not valid base64`);
  }
}

/**
 * Checks a bundle's shape (an object, or JSON text) and decodes it. `requireHint` (our seal
 * attestations) refuses bundles that identify their key any other way.
 */
export function parseBundle(input: unknown, opts: { requireHint: boolean }): ParsedBundle {
  let bundle = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    try {
      bundle = JSON.parse(text);
    } catch (error) {
      malformed(`not valid JSON (${(error as Error).message})`);
    }
    // A member named twice: JSON.parse keeps the last, another reader the first.
    const problem = strictJsonProblem(text);
    if (problem) malformed(`not strict JSON: ${problem}`);
  }
  if (!isObject(bundle)) malformed('must be a JSON object');
  if (bundle.mediaType !== BUNDLE_MEDIA_TYPE) malformed(`mediaType must be "${BUNDLE_MEDIA_TYPE}"`);
  const material = bundle.verificationMaterial;
  if (isObject(material) && (material.certificate !== undefined || material.x509CertificateChain !== undefined)) {
    malformed(
      'it was signed with a certificate (Sigstore keyless or PKI); only bundles signed with a key (publicKey) are checked here',
    );
  }
  onlyKnownMembers(bundle, 'bundle');
  if (!isObject(material) || !isObject(material.publicKey))
    malformed('verificationMaterial.publicKey must be an object');
  onlyKnownMembers(material, 'verificationMaterial');
  if (material.tlogEntries !== undefined && !Array.isArray(material.tlogEntries))
    malformed('verificationMaterial.tlogEntries must be an array');
  if (Array.isArray(material.tlogEntries) && material.tlogEntries.length > 0)
    malformed(
      'verificationMaterial.tlogEntries must be empty (SPEC §5): transparency-log entries are not verified here, so a bundle that carries one is refused rather than trusted',
    );
  const key = material.publicKey;
  onlyKnownMembers(key, 'publicKey');
  if (key.keyDetails !== undefined && typeof key.keyDetails !== 'string')
    malformed('publicKey.keyDetails must be a string');
  let hint: string | null = null;
  let rawKeyPem: string | null = null;
  if (key.hint !== undefined && key.hint !== null) {
    if (typeof key.hint !== 'string' || !/^[0-9a-f]{64}$/.test(key.hint))
      malformed('publicKey.hint must be 64 lowercase hex characters');
    hint = key.hint;
  } else if (opts.requireHint) {
    malformed('verificationMaterial.publicKey.hint is missing');
  } else if (key.rawBytes !== undefined) {
    rawKeyPem = new TextDecoder().decode(base64Member(key, 'rawBytes', 'publicKey'));
  }
  const envelope = bundle.dsseEnvelope;
  if (!isObject(envelope)) malformed('dsseEnvelope must be an object');
  onlyKnownMembers(envelope, 'dsseEnvelope');
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    malformed(`dsseEnvelope.payloadType must be "${IN_TOTO_PAYLOAD_TYPE}"`);
  const payload = base64Member(envelope, 'payload', 'dsseEnvelope');
  const sigs = envelope.signatures;
  if (!Array.isArray(sigs) || sigs.length !== 1) malformed('dsseEnvelope.signatures must hold exactly one signature');
  const sig = sigs[0];
  if (!isObject(sig)) malformed('dsseEnvelope.signatures[0] must be an object');
  onlyKnownMembers(sig, 'signatures[0]');
  if (sig.keyid !== undefined && sig.keyid !== null && typeof sig.keyid !== 'string')
    malformed('signatures[0].keyid must be a string');
  return {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload,
    signature: base64Member(sig, 'sig', 'signatures[0]'),
    hint,
    rawKeyPem,
  };
}
