// `vram-residency sign-model DIR --key K` and `verify-model PATH --sig SIG --pubkey P`: OpenSSF
// model signatures (SPEC §5 OMS) that sigstore's model_signing `sign key` / `verify key` also read.
// Ignore paths are resolved like model_signing's CLI: against the working directory, then made
// relative to the model; the signature file is ignored when it lies inside the model.
import { promises as fsp, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { HashProgress } from '../../attest/model-files.js';
import { requireEcdsa } from '../../attest/model-check.js';
import { signModel, verifyModel } from '../../attest/model-sign.js';
import { loadSigningKey } from '../../attest/node-keys.js';
import { warnIfExposed } from '../key-warning.js';
import { parsePublicKeyPem } from '../../attest/public-key.js';
import { serializeBundle } from '../../attest/seal-node.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Reporter } from '../reporter.js';
import { formatBytes } from '../reporter.js';
import { plural } from '../units.js';
import { runCommand } from '../run.js';
import { readSmallText } from '../small-file.js';

async function statRegularFileOrDir(path: string): Promise<'file' | 'dir'> {
  const stat = await fsp.stat(path).catch(() => null);
  if (stat?.isFile()) return 'file';
  if (stat?.isDirectory()) return 'dir';
  throw new InvalidArgumentError('model', `${path} is ${stat ? 'neither a file nor a directory' : 'missing'}`);
}

/** A path given on the command line, relative to the model, or null when it lies outside it. */
function insideModel(model: string, path: string): string | null {
  const rel = relative(resolve(model), resolve(path));
  if (rel === '' || rel.startsWith('..') || resolve(rel) === rel) return null;
  return rel.split(sep).join('/');
}

function ignoreList(model: string, paths: string[] | undefined, signature: string): string[] {
  const out = (paths ?? []).map((p) => {
    const rel = insideModel(model, p);
    if (rel === null)
      throw new InvalidArgumentError(
        '--ignore-paths',
        `${p} is not inside the model ${model} (paths are taken from the working directory, as model_signing does)`,
      );
    return rel;
  });
  const sig = insideModel(model, signature);
  if (sig !== null) out.push(sig);
  return [...new Set(out)];
}

/** A bar that moves as each file is hashed (several at once on the native engine). */
function hashProgress(reporter: Reporter, label: string): { onProgress: (p: HashProgress) => void; stop(): void } {
  let bar: ReturnType<Reporter['progress']> | null = null;
  return {
    onProgress(p) {
      bar ??= reporter.progress(label, Math.max(p.totalBytes, 1));
      bar.update(p.bytes);
    },
    stop: () => bar?.stop(),
  };
}

/** `sign-model`'s options. */
interface SignModelFlags {
  key: string;
  ignorePaths?: string[];
  out?: string;
  json?: boolean;
}

/** `verify-model`'s options. */
interface VerifyModelFlags {
  sig?: string;
  pubkey: string;
  ignorePaths?: string[];
  json?: boolean;
}

export function registerModelSigning(program: Command): void {
  registerSignModel(program);
  registerVerifyModel(program);
}

function registerSignModel(program: Command): void {
  program
    .command('sign-model')
    .description(
      'sign a model directory (or one file) as an OpenSSF model signature, readable by sigstore model_signing',
    )
    .argument('<model>', 'the model directory, or a single model file')
    .requiredOption('--key <file>', 'ECDSA private key (PKCS#8 PEM; P-256, P-384 or P-521)')
    .option('--ignore-paths <paths...>', 'files or directories to leave out (git files and the signature always are)')
    .option('--out <file>', 'signature file (default: MODEL/model.sig, or MODEL.sig for a single file)')
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter, model: string, opts: SignModelFlags) => {
        const key = await loadSigningKey(readSmallText(opts.key, '--key', 'key'));
        warnIfExposed(reporter, opts.key, '--key');
        requireEcdsa(key.algorithm, '--key');
        const isFile = (await statRegularFileOrDir(model)) === 'file';
        const out: string = opts.out ?? (isFile ? `${model}.sig` : resolve(model, 'model.sig'));
        const progress = hashProgress(reporter, 'hash');
        const started = performance.now();
        const ignorePaths = isFile ? [] : ignoreList(model, opts.ignorePaths, out);
        const result = await signModel(model, key, { ignorePaths, onProgress: progress.onProgress }).finally(() =>
          progress.stop(),
        );
        writeFileSync(out, serializeBundle(result.bundle));
        const seconds = (performance.now() - started) / 1000;
        reporter.result({
          ok: true,
          model,
          signature: out,
          files: result.manifest.files.size,
          hint: key.publicKey.hint,
          seconds: Number(seconds.toFixed(3)),
        });
        reporter.line(
          `signed ${plural(result.manifest.files.size, 'file')} of ${model} → ${out} (${key.algorithm}, key hint ${key.publicKey.hint}), ${seconds.toFixed(2)} s`,
        );
        return 0;
      }),
    );
}

function registerVerifyModel(program: Command): void {
  program
    .command('verify-model')
    .description('verify a model directory (or one file) against an OpenSSF model signature (model.sig)')
    .argument('<model>', 'the model directory, or a single model file signed alone')
    .option(
      '--sig <file>',
      'the signature (Sigstore bundle); default MODEL/model.sig (MODEL.sig for a single file), where sign-model writes it',
    )
    .requiredOption('--pubkey <file>', "the publisher's ECDSA public key (SPKI PEM)")
    .option('--ignore-paths <paths...>', 'files or directories to leave out (as when signing)')
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter, model: string, opts: VerifyModelFlags) => {
        // The same default sign-model writes to.
        opts.sig ??= (await statRegularFileOrDir(model)) === 'file' ? `${model}.sig` : resolve(model, 'model.sig');
        const signature = readSmallText(opts.sig, '--sig', 'signature');
        const publicKey = await parsePublicKeyPem(readSmallText(opts.pubkey, '--pubkey', 'key'));
        requireEcdsa(publicKey.algorithm, '--pubkey');
        const isFile = (await statRegularFileOrDir(model)) === 'file';
        const progress = hashProgress(reporter, 'verify');
        const started = performance.now();
        const ignorePaths = isFile ? [] : ignoreList(model, opts.ignorePaths, opts.sig);
        const result = await verifyModel(model, {
          signature,
          publicKey,
          ignorePaths,
          onProgress: progress.onProgress,
        }).finally(() => progress.stop());
        const seconds = (performance.now() - started) / 1000;
        reporter.result({
          ok: true,
          model,
          files: result.files.length,
          bytes: result.bytes,
          name: result.manifest.name,
          hint: result.key.hint,
          seconds: Number(seconds.toFixed(3)),
        });
        reporter.line(
          `${reporter.paint('green', 'OK')} ${model}: ${plural(result.files.length, 'file')}, ${formatBytes(result.bytes)}, match the signature of "${result.manifest.name}" (key hint ${result.key.hint}), ${seconds.toFixed(2)} s`,
        );
        return 0;
      }),
    );
}
