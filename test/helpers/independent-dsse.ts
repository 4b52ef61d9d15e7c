// An independent SPEC §5 implementation for tests, on node:crypto only and written from the text
// (and, for model signatures, from sigstore/model-transparency's verifier: sign_ec_key.py,
// signing.py, serialization/file.py, hashing.py): it shares no code with lib/attest, so bundles
// made here and there checking each other proves interoperability, not self-consistency.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { oracleMth } from './oracle.js';

const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export function indepPae(type: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);
}

export function indepHint(key: KeyObject | string): string {
  const pub = typeof key === 'string' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'pem' }) as string)
    .digest('hex');
}

/** SHA-256 / SHA-384 / SHA-512 by curve size (model_signing's get_ec_key_hash); null for Ed25519. */
function hashFor(pub: KeyObject): string | null {
  if (pub.asymmetricKeyType === 'ed25519') return null;
  const curve = pub.asymmetricKeyDetails?.namedCurve;
  return (
    ({ prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' } as Record<string, string>)[curve ?? ''] ??
    'unsupported'
  );
}

export function indepSign(statement: unknown, privatePem: string, payloadText?: string): any {
  const payload = Buffer.from(payloadText ?? JSON.stringify(statement));
  const pub = createPublicKey(privatePem);
  const sig = sign(hashFor(pub), indepPae(PAYLOAD_TYPE, payload), privatePem);
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: indepHint(pub) }, tlogEntries: [] },
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType: PAYLOAD_TYPE,
      signatures: [{ sig: sig.toString('base64'), keyid: '' }],
    },
  };
}

/** Signature and hint check; returns the statement. Throws Error('<reason>: …'). */
export function indepVerify(bundle: any, publicPem: string): any {
  const pub = createPublicKey(publicPem);
  if (bundle.mediaType !== 'application/vnd.dev.sigstore.bundle.v0.3+json') throw new Error('malformed: media type');
  const env = bundle.dsseEnvelope;
  if (env.payloadType !== PAYLOAD_TYPE || env.signatures.length !== 1) throw new Error('malformed: envelope');
  const hint = bundle.verificationMaterial.publicKey.hint;
  if (hint && hint !== indepHint(pub)) throw new Error('wrong key: hint');
  const payload = Buffer.from(env.payload, 'base64');
  if (!verify(hashFor(pub), indepPae(PAYLOAD_TYPE, payload), pub, Buffer.from(env.signatures[0].sig, 'base64'))) {
    throw new Error('signature mismatch');
  }
  const statement = JSON.parse(payload.toString('utf8'));
  if (statement._type !== 'https://in-toto.io/Statement/v1') throw new Error('malformed: _type');
  return statement;
}

/** A seal attestation against the bytes it covers; returns the record. */
export function indepVerifySeal(bundle: any, publicPem: string, bytes: Uint8Array): any {
  const st = indepVerify(bundle, publicPem);
  const r = st.predicate;
  if (st.predicateType !== 'urn:vram-residency:seal:v1' || st.subject.length !== 1)
    throw new Error('malformed: statement');
  const s = st.subject[0];
  if (
    s.name !== (r.modelRef ?? r.shardId) ||
    s.digest.sha256 !== r.contentSha256 ||
    s.digest['mth-sha256'] !== r.digest
  ) {
    throw new Error('malformed: subject');
  }
  if (bytes.length !== r.size) throw new Error('size mismatch');
  if (Buffer.from(oracleMth(bytes, r.leafSize)).toString('hex') !== r.digest) throw new Error('digest mismatch');
  if (createHash('sha256').update(bytes).digest('hex') !== r.contentSha256) throw new Error('content mismatch');
  return r;
}

export function indepSealStatement(record: any): unknown {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [
      {
        name: record.modelRef ?? record.shardId,
        digest: { sha256: record.contentSha256, 'mth-sha256': record.digest },
      },
    ],
    predicateType: 'urn:vram-residency:seal:v1',
    predicate: record,
  };
}

// --- OpenSSF model signing, files method (model_signing 1.x behaviour) ---

const GIT_PATHS = ['.git', '.gitattributes', '.github', '.gitignore'];

function ignored(rel: string, ignore: string[]): boolean {
  const parts = rel.split('/');
  return ignore.some((p) => {
    const ip = p.split('/').filter((x) => x !== '' && x !== '.');
    return ip.length <= parts.length && ip.every((x, i) => parts[i] === x);
  });
}

/** model_signing's serialize(): every regular file not ignored, name relative with `/`, or `.` for a single file. */
export function indepManifest(modelPath: string, ignore: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  if (lstatSync(modelPath).isFile()) {
    out.set('.', hash(modelPath));
    return out;
  }
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const rel = relative(modelPath, full).split(sep).join('/');
      if (ignored(rel, ignore)) continue;
      const st = lstatSync(full);
      if (st.isSymbolicLink()) throw new Error(`symlink ${rel}`);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.set(rel, hash(full));
      else throw new Error(`special file ${rel}`);
    }
  };
  walk(modelPath);
  return out;
}

/** `model_signing sign key` (files method, sha256); ignore paths relative to the model; payload written like protobuf's MessageToJson. */
export function indepSignModel(modelPath: string, privatePem: string, ignore: string[]): any {
  const all = [...GIT_PATHS, ...ignore];
  const manifest = indepManifest(modelPath, all);
  const names = [...manifest.keys()].sort();
  const root = createHash('sha256');
  for (const n of names) root.update(Buffer.from(manifest.get(n)!, 'hex'));
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: basename(modelPath), digest: { sha256: root.digest('hex') } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: {
      resources: names.map((name) => ({ algorithm: 'sha256', name, digest: manifest.get(name) })),
      serialization: { allow_symlinks: false, method: 'files', hash_type: 'sha256', ignore_paths: all },
    },
  };
  return indepSign(statement, privatePem, JSON.stringify(statement, null, 2));
}

/** `model_signing verify key`: signature, manifest consistency, then the files against the manifest. */
export function indepVerifyModel(modelPath: string, bundle: any, publicPem: string, ignore: string[]): void {
  const st = indepVerify(bundle, publicPem);
  if (st.predicateType !== 'https://model_signing/signature/v1.0' || st.subject.length !== 1)
    throw new Error('malformed: statement');
  const root = createHash('sha256');
  const expected = new Map<string, string>();
  for (const r of st.predicate.resources) {
    if (r.algorithm !== 'sha256') throw new Error('malformed: algorithm');
    root.update(Buffer.from(r.digest, 'hex'));
    expected.set(r.name, r.digest);
  }
  if (root.digest('hex') !== st.subject[0].digest.sha256) throw new Error('malformed: manifest is inconsistent');
  const ser = st.predicate.serialization;
  if (ser.method !== 'files' || ser.hash_type !== 'sha256') throw new Error('malformed: serialization');
  const actual = indepManifest(modelPath, [...GIT_PATHS, ...ignore, ...(ser.ignore_paths ?? [])]);
  for (const [name, digest] of actual) {
    if (!expected.has(name)) throw new Error(`unlisted file: ${name}`);
    if (expected.get(name) !== digest) throw new Error(`digest mismatch: ${name}`);
  }
  for (const name of expected.keys()) if (!actual.has(name)) throw new Error(`missing file: ${name}`);
}
