// `vram-residency verify FILE --seal RECORD`: offline verification of a file against its seal record.
import type { Command } from 'commander';
import { defaultEngine, parseEngine, statRegularFile } from '../../engines/file-digest.js';
import { InvalidArgumentError, MalformedSealError } from '../../errors.js';
import { MAX_SEAL_RECORD_BYTES, parseSealRecord } from '../../seal/record.js';
import { verifySealedFile } from '../../seal/offline.js';
import type { Reporter } from '../reporter.js';
import { runCommand } from '../run.js';
import { readSmallFile } from '../small-file.js';
import { readToken } from '../token.js';
import { decodeStrictUtf8 } from '../../formats/well-formed.js';
import { verifyFileWithBundle } from './verify-bundle.js';
import { checkSealFileKind } from '../hints.js';
import { humanBytes } from '../units.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'verify a file against its seal record (with the token) or its signed attestation (with a public key), offline',
    )
    .argument('<file>', 'the model file or shard')
    .option('--seal <record>', 'the seal record JSON file (needs the worker token)')
    .option('--bundle <bundle>', 'the seal attestation (Sigstore bundle) instead of --seal: no token needed')
    .option('--pubkey <file>', "with --bundle: the signer's public key (SPKI PEM)")
    .option('--token-env <var>', 'environment variable holding the worker token', 'VRAM_RESIDENCY_TOKEN')
    .option('--token-file <file>', 'file holding the worker token')
    .option('--engine <engine>', 'wasm, native or node (default: native when the addon loaded, else wasm)')
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter, file: string, opts: Record<string, string>) => {
        if ((opts.seal === undefined) === (opts.bundle === undefined)) {
          throw new InvalidArgumentError(
            '--seal',
            'give either --seal RECORD (with the worker token) or --bundle BUNDLE --pubkey KEY',
          );
        }
        if (opts.bundle !== undefined) {
          return verifyFileWithBundle(reporter, file, {
            bundle: opts.bundle,
            pubkey: opts.pubkey,
            engine: opts.engine ? parseEngine(opts.engine) : defaultEngine(),
          });
        }
        const token = readToken({ tokenEnv: opts.tokenEnv, tokenFile: opts.tokenFile });
        const text = readSealRecordFile(opts.seal!);
        checkSealFileKind(opts.seal!, text, '--seal');
        const engine = opts.engine ? parseEngine(opts.engine) : defaultEngine();
        const size = await statRegularFile(file);
        const bar = reporter.progress('verify', size);
        const started = performance.now();
        const record = await verifySealedFile(file, parseSealRecord(text), {
          token,
          engine,
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
          engine,
          seconds: Number(seconds.toFixed(3)),
        });
        reporter.line(
          `${reporter.paint('green', 'OK')} ${file}: matches seal ${record.shardId} (${humanBytes(record.size)}, mth-sha256 ${record.digest}), engine ${engine}, ${seconds.toFixed(2)} s`,
        );
        return 0;
      }),
    );
}

/**
 * A seal record file: a regular file no larger than any record can be, in well-formed UTF-8
 * (replacing bad bytes would let two different files verify as one record).
 */
export function readSealRecordFile(path: string): string {
  const tooLarge = () =>
    new MalformedSealError(`${path} is larger than any seal record (over ${MAX_SEAL_RECORD_BYTES} bytes)`);
  const text = decodeStrictUtf8(readSmallFile(path, { flag: '--seal', maxBytes: MAX_SEAL_RECORD_BYTES, tooLarge }));
  if (text === null) throw new MalformedSealError(`${path} is not well-formed UTF-8 text`);
  return text;
}
