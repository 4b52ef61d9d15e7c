// `vram-residency seal DIR --model-sig SIG --model-pubkey P --out OUTDIR`: seal a model a publisher
// signed (SPEC §5 OMS): one seal record (and, with --sign-key, one bundle) per file, mirrored
// under OUTDIR. The manager refuses the whole model on any mismatch and names the file. The CLI
// side of attest/seal-model.ts (which seals through the manager); commands/seal.ts calls it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parsePublicKeyPem } from '../attest/public-key.js';
import { requireEcdsa } from '../attest/model-check.js';
import { InvalidArgumentError } from '../errors.js';
import type { SealedShard } from '../manager/sealed-shard.js';
import type { VramManager } from '../manager/vram-manager.js';
import type { Reporter } from './reporter.js';
import type { SealFlags } from './seal-flags.js';
import { formatBytes } from './reporter.js';
import { readSmallText } from './small-file.js';
import { listModelFiles } from '../attest/model-files.js';
import { checkModelRecordPaths } from './record-paths.js';

export interface ModelSealArgs {
  model: string;
  sig: string;
  pubkey: string;
  out: string;
  modelRef?: string;
}

/** Reads and checks the flags before any device work. */
export async function prepareModelSeal(
  files: string[],
  opts: SealFlags,
): Promise<ModelSealArgs & { signature: string; publicKey: Awaited<ReturnType<typeof parsePublicKeyPem>> }> {
  if (!opts.modelSig || !opts.modelPubkey)
    throw new InvalidArgumentError(
      opts.modelSig ? '--model-pubkey' : '--model-sig',
      'sealing a signed model needs both --model-sig and --model-pubkey',
    );
  if (files.length !== 1)
    throw new InvalidArgumentError('--model-sig', 'applies to one model: a directory, or a single file signed alone');
  if (!opts.out)
    throw new InvalidArgumentError(
      '--out',
      'is required with --model-sig: the directory for one seal record (and bundle) per file',
    );
  for (const flag of ['expectSha256', 'bundleOut'] as const) {
    if (opts[flag])
      throw new InvalidArgumentError(
        flag === 'expectSha256' ? '--expect-sha256' : '--bundle-out',
        'does not apply with --model-sig (the signed manifest gives each SHA-256; bundles go to --out)',
      );
  }
  const listed = await listModelFiles(files[0]!).catch(() => null); // unreadable: sealModel says why
  if (listed) {
    checkModelRecordPaths(
      files[0]!,
      listed.files.map((f) => f.name),
      opts.out,
      opts.auditDir,
      [opts.modelSig, opts.modelPubkey, ...(opts.signKey ? [opts.signKey] : [])],
    );
  }
  const signature = readSmallText(opts.modelSig, '--model-sig', 'signature');
  const publicKey = await parsePublicKeyPem(readSmallText(opts.modelPubkey, '--model-pubkey', 'key'));
  requireEcdsa(publicKey.algorithm, '--model-pubkey');
  return {
    model: files[0]!,
    sig: opts.modelSig,
    pubkey: opts.modelPubkey,
    out: opts.out,
    modelRef: opts.modelRef,
    signature,
    publicKey,
  };
}

/** Seals the model and writes OUTDIR/<file>.seal.json (+ .bundle.json); returns what the JSON result lists. */
export async function sealSignedModelFiles(
  reporter: Reporter,
  manager: VramManager,
  args: Awaited<ReturnType<typeof prepareModelSeal>>,
): Promise<{ shards: SealedShard[]; listed: Record<string, unknown>[] }> {
  let bar: ReturnType<Reporter['progress']> | null = null;
  let barFile = '';
  const sealed = await manager
    .sealModel(args.model, {
      signature: args.signature,
      publicKey: args.publicKey,
      ignorePaths: [],
      modelRef: args.modelRef,
      onProgress: (p) => {
        if (p.file !== barFile) {
          bar?.stop();
          barFile = p.file;
          bar = reporter.progress(`seal ${p.file} (${p.fileIndex + 1}/${p.fileCount})`, Math.max(p.totalBytes, 1));
        }
        bar!.update(p.bytes);
      },
    })
    .finally(() => (bar as { stop(): void } | null)?.stop());
  const listed: Record<string, unknown>[] = [];
  for (const [i, shard] of sealed.shards.entries()) {
    const name = sealed.files[i]!;
    const base = join(args.out, name === '.' ? basename(args.model) : name);
    mkdirSync(dirname(base), { recursive: true });
    writeFileSync(`${base}.seal.json`, shard.recordJson());
    if (shard.signed) writeFileSync(`${base}.bundle.json`, shard.bundleJson());
    listed.push({
      file: name,
      record: `${base}.seal.json`,
      ...(shard.signed ? { bundle: `${base}.bundle.json` } : {}),
      ...shard.toRecord(),
    });
    reporter.line(
      `sealed ${name} → ${base}.seal.json${shard.signed ? ' + .bundle.json' : ''} (${shard.id}, ${formatBytes(shard.size)}, SHA-256 as signed)`,
    );
  }
  for (const name of sealed.empty) reporter.line(`checked ${name}: empty, as signed (nothing to seal)`);
  reporter.line(
    `model "${sealed.name}": ${sealed.shards.length} file(s) sealed, every SHA-256 as the publisher signed`,
  );
  return { shards: sealed.shards, listed };
}
