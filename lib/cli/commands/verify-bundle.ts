// `vram-residency verify FILE --bundle B --pubkey P`: checks a file against a seal attestation
// (SPEC §5) with only the signer's public key; no worker token involved.
import { readFileSync } from 'node:fs';
import { readKeyFile } from '../../attest/node-keys.js';
import { verifySealBundleFile } from '../../attest/seal-node.js';
import { type Engine, statRegularFile } from '../../engines/file-digest.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Reporter } from '../reporter.js';
import { checkSealFileKind } from '../hints.js';
import { humanBytes } from '../units.js';

export function readTextArg(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(flag, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function verifyFileWithBundle(
  reporter: Reporter,
  file: string,
  opts: { bundle: string; pubkey?: string; engine: Engine },
): Promise<number> {
  const bundle = readTextArg(opts.bundle, '--bundle');
  checkSealFileKind(opts.bundle, bundle, '--bundle');
  if (!opts.pubkey)
    throw new InvalidArgumentError('--pubkey', 'is required with --bundle: the public key of the signer');
  const publicKey = await readKeyFile(opts.pubkey, '--pubkey');
  const size = await statRegularFile(file);
  const bar = reporter.progress('verify', Math.max(size, 1));
  const started = performance.now();
  const record = await verifySealBundleFile(file, bundle, {
    publicKey,
    engine: opts.engine,
    onProgress: (p) => bar.update(p.bytes),
  });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  reporter.result({
    ok: true,
    file,
    shardId: record.shardId,
    size: record.size,
    digest: record.digest,
    contentSha256: record.contentSha256,
    engine: opts.engine,
    seconds: Number(seconds.toFixed(3)),
  });
  reporter.line(
    `${reporter.paint('green', 'OK')} ${file}: matches the signed seal ${record.shardId} (${humanBytes(record.size)}, mth-sha256 ${record.digest}), engine ${opts.engine}, ${seconds.toFixed(2)} s`,
  );
  return 0;
}
