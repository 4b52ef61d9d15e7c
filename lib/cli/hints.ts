// Hints where people stumble: a file given to the wrong option (a seal bundle to --seal, a seal
// record to --bundle, a model signature to either), a model directory to `seal` without its
// signature, a token on the command line, `--out one.json` for several inputs, the worker-id rule
// in words, and `help audit ship`. Each is an E_ARG with the fix in the message.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';

/** What a JSON file given to a seal option is, from its content (as the verifier page decides it). */
export type SealFileKind = 'seal-record' | 'seal-bundle' | 'model-signature' | 'other';

const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\.v0\.3\+json|\+json;version=0\.3)$/;
const OMS_PREDICATE = 'https://model_signing/signature/v1.0';

export function sealFileKind(text: string): SealFileKind {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'other';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'other';
  const obj = value as Record<string, unknown>;
  if (obj.format === 'vram-residency.seal.v1') return 'seal-record';
  if (typeof obj.mediaType !== 'string' || !BUNDLE_MEDIA_TYPE.test(obj.mediaType)) return 'other';
  const payload = (obj.dsseEnvelope as { payload?: unknown } | undefined)?.payload;
  if (typeof payload === 'string') {
    try {
      const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { predicateType?: unknown };
      if (statement.predicateType === OMS_PREDICATE) return 'model-signature';
    } catch {
      // not a readable statement: the bundle verifier says what is wrong with it
    }
  }
  return 'seal-bundle';
}

/** Refuses a file given to `flag` that is plainly another kind, saying which option takes it. */
export function checkSealFileKind(path: string, text: string, flag: '--seal' | '--bundle'): void {
  const kind = sealFileKind(text);
  if (flag === '--seal' && kind === 'seal-bundle')
    throw new InvalidArgumentError(
      flag,
      `${path} looks like a seal bundle (a signed attestation), not a seal record: use --bundle ${path} --pubkey KEY.pub (no token needed)`,
    );
  if (flag === '--bundle' && kind === 'seal-record')
    throw new InvalidArgumentError(
      flag,
      `${path} looks like a seal record, not a seal bundle: use --seal ${path} (with the worker token in VRAM_RESIDENCY_TOKEN or --token-file)`,
    );
  if (kind === 'model-signature')
    throw new InvalidArgumentError(
      flag,
      `${path} looks like a model signature (model.sig): use verify-model MODEL_DIR --sig ${path} --pubkey PUBLISHER.pub`,
    );
}

/** `seal DIR` without --model-sig: a directory is sealed only as a signed model. */
export function checkSealInputs(files: readonly string[], hasModelSig: boolean): void {
  if (hasModelSig) return;
  const dir = files.find((f) => statSync(f, { throwIfNoEntry: false })?.isDirectory());
  if (dir === undefined) return;
  throw new InvalidArgumentError(
    'files',
    `${dir} is a directory: to seal a model directory, give its signature — seal ${dir} --model-sig ${join(dir, 'model.sig')} --model-pubkey PUBLISHER.pub --out SEALS_DIR (sign-model writes model.sig) — or name the files to seal`,
  );
}

/** `--out one.json` with several inputs would become a directory named one.json: refuse it. */
export function checkOutForSeveral(files: readonly string[], out: string | undefined, flag = '--out'): void {
  if (out === undefined || files.length < 2) return;
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) return;
  if (/\.json$/i.test(out))
    throw new InvalidArgumentError(
      flag,
      `${out} names one file, but ${files.length} inputs each get their own record: give a directory (e.g. ${flag} seals/) or seal one file at a time`,
    );
}

/** SPEC §3 workerId, in words. */
export const WORKER_ID_RULE =
  '1 to 128 characters, each a letter, a digit or one of . _ : - (no spaces or slashes; e.g. worker-7 or gpu-node-3:1)';

/**
 * A token given as an argument (`--token …`, `--token=…`): refused before anything else with the
 * options that do take one. The value is never repeated. Null when there is none.
 */
export function tokenArgumentHint(argv: readonly string[]): string | null {
  if (!argv.some((a) => a === '--token' || a.startsWith('--token='))) return null;
  return 'tokens are never taken from arguments (every user of this machine can read them): use --token-env VAR (default VRAM_RESIDENCY_TOKEN) or --token-file FILE';
}

/** `help audit ship` means `audit ship --help` (commander's help command looks one level deep). */
export function helpArgv(argv: readonly string[]): string[] {
  const [node, script, first, ...rest] = argv;
  if (first !== 'help' || rest.length < 2 || rest.some((a) => a.startsWith('-'))) return [...argv];
  return [node!, script!, ...rest, '--help'];
}
