// `vram-residency keygen --out PREFIX [--alg …]`: a signing key pair for attestations (SPEC §5).
// PREFIX.key is PKCS#8 PEM, mode 0600, never printed; PREFIX.pub is SPKI PEM for verifiers.
import type { Command } from 'commander';
import { parseKeyAlgorithm, writeKeyPair } from '../../attest/node-keys.js';
import type { Reporter } from '../reporter.js';
import { runCommand } from '../run.js';

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('make a signing key pair: PREFIX.key (private, 0600) and PREFIX.pub (public, for verifiers)')
    .requiredOption('--out <prefix>', 'path prefix of the two files; existing files are never replaced')
    .option('--alg <alg>', 'ed25519 (seal attestations), p256, p384 or p521 (also model signatures)', 'ed25519')
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter, opts: Record<string, string>) => {
        const algorithm = parseKeyAlgorithm(opts.alg!);
        const { privatePath, publicPath, hint } = await writeKeyPair(opts.out!, algorithm);
        reporter.result({ ok: true, algorithm, privateKey: privatePath, publicKey: publicPath, hint });
        reporter.line(
          `wrote ${privatePath} (private, mode 0600: keep it on the signer) and ${publicPath} (public: give it to verifiers)`,
        );
        reporter.line(`key hint ${hint}`);
        return 0;
      }),
    );
}
