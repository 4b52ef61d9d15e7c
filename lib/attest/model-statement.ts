// OpenSSF Model Signing v1.0 statements (SPEC §5 "OMS"), browser-safe: the manifest of a model
// (one SHA-256 per file, `files` method) built into a statement, and read back from a signed one.
import { MalformedSealError } from '../errors.js';
import { toHex } from '../formats/hex.js';
import { loadWasm } from '../wasm/load.js';
import { STATEMENT_TYPE, type Statement, parseStatement } from './statement.js';

export const MODEL_PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
/** Always ignored, as model_signing does by default; the signature file is ignored too. */
export const GIT_PATHS = ['.git', '.gitattributes', '.github', '.gitignore'] as const;

/** A signed model: its name, and file name (relative, `/`-separated; `.` for a single file) → SHA-256 hex. */
export interface ModelManifest {
  name: string;
  files: Map<string, string>;
  /** Paths (relative to the model) the signer ignored; a verifier ignores them too. */
  ignorePaths: string[];
}

function malformed(message: string): never {
  throw new MalformedSealError(`model signature: ${message}`);
}

/** model_signing orders resources as paths: component by component. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}

async function rootDigest(digests: string[]): Promise<string> {
  const raw = new Uint8Array(32 * digests.length);
  digests.forEach((hex, i) => {
    for (let j = 0; j < 32; j++) raw[32 * i + j] = parseInt(hex.slice(2 * j, 2 * j + 2), 16);
  });
  return toHex((await loadWasm()).sha256(raw));
}

export async function modelStatement(manifest: ModelManifest): Promise<Statement> {
  const names = [...manifest.files.keys()].sort(comparePaths);
  const digests = names.map((n) => manifest.files.get(n)!);
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: manifest.name, digest: { sha256: await rootDigest(digests) } }],
    predicateType: MODEL_PREDICATE_TYPE,
    predicate: {
      resources: names.map((name, i) => ({ name, algorithm: 'sha256', digest: digests[i] })),
      serialization: {
        method: 'files',
        hash_type: 'sha256',
        allow_symlinks: false,
        ignore_paths: manifest.ignorePaths,
      },
    },
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Shape of a signed model statement (signature already checked), and the subject digest over its resources. */
export async function modelManifestOf(payload: Uint8Array): Promise<ModelManifest> {
  const statement = parseStatement(payload, MODEL_PREDICATE_TYPE);
  const { resources, serialization } = statement.predicate as {
    resources?: unknown;
    serialization?: Record<string, unknown>;
  };
  if (serialization === null || typeof serialization !== 'object') malformed('predicate.serialization is missing');
  if (serialization.method !== 'files' || serialization.hash_type !== 'sha256') {
    malformed(
      `only the "files" method with sha256 is supported, got ${JSON.stringify(serialization.method)} / ${JSON.stringify(serialization.hash_type)}`,
    );
  }
  if (serialization.allow_symlinks !== false && serialization.allow_symlinks !== undefined)
    malformed('signatures that follow symlinks are not supported');
  const ignore = serialization.ignore_paths ?? [];
  if (!Array.isArray(ignore) || !ignore.every((p) => typeof p === 'string'))
    malformed('serialization.ignore_paths must be a list of paths');
  if (!Array.isArray(resources)) malformed('predicate.resources must be a list');
  const files = new Map<string, string>();
  const order: string[] = [];
  for (const r of resources as Record<string, unknown>[]) {
    if (
      r === null ||
      typeof r !== 'object' ||
      typeof r.name !== 'string' ||
      r.name === '' ||
      r.algorithm !== 'sha256' ||
      typeof r.digest !== 'string' ||
      !HEX64.test(r.digest)
    ) {
      malformed('every resource needs a name, algorithm "sha256" and a 64-hex digest');
    }
    if (r.name.split('/').some((part) => part === '..' || part === '') || r.name.startsWith('/'))
      malformed(`resource name ${JSON.stringify(r.name)} leaves the model directory`);
    if (files.has(r.name)) malformed(`resource ${JSON.stringify(r.name)} is listed twice`);
    files.set(r.name, r.digest);
    order.push(r.digest);
  }
  const subject = statement.subject[0]!;
  if (subject.digest.sha256 !== (await rootDigest(order)))
    malformed('the subject digest does not match the listed resources (the manifest is inconsistent)');
  return { name: subject.name, files, ignorePaths: ignore as string[] };
}
