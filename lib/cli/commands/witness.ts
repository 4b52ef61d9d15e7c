// `vram-residency witness`: a C2SP tlog-witness (SPEC §8) for the logs it is told to trust. It
// cosigns a checkpoint only when it is consistent with what it cosigned before, and remembers that
// in a journal it fsyncs before answering. Runs until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.js';
import { parseNotePublicKey } from '../../audit/format/checkpoint-note.js';
import { nodeSealingCrypto } from '../../audit/write/node-crypto.js';
import { createWitness } from '../../witness/server.js';
import type { NotePublicKey } from '../../audit/format/checkpoint-note.js';
import type { Reporter } from '../reporter.js';
import { runCommand } from '../run.js';
import { readSmallFile } from '../small-file.js';

const KEY_MAX_BYTES = 16 * 1024;

interface WitnessFlags {
  listen: string;
  key: string;
  name: string;
  log: string[];
  state: string;
  prefix: string;
  json?: boolean;
}

export function registerWitness(program: Command): void {
  program
    .command('witness')
    .description('serve C2SP tlog-witness add-checkpoint: cosign checkpoints consistent with what was cosigned before')
    .requiredOption('--listen <host:port>', 'address to listen on, e.g. 127.0.0.1:7380 (port 0: any free port)')
    .requiredOption('--key <file>', "the witness's Ed25519 private key (PEM, from `keygen --alg ed25519`)")
    .requiredOption('--name <name>', 'the key name in cosignature lines, e.g. witness.example/w1')
    .requiredOption('--state <file>', 'the state journal (created if missing; fsynced before every answer)')
    .option('--log <origin=pubkey>', 'a log to witness: its origin and its public key file (repeatable)', collect, [])
    .option('--prefix <path>', 'URL path before /add-checkpoint', '')
    .option('--json', 'JSON lines: one when listening, one when stopped')
    .action(
      runCommand(async (reporter: Reporter, flags: WitnessFlags) => {
        const logs = readLogs(flags.log);
        const { host, port } = parseListen(flags.listen);
        const witness = createWitness({
          privateKeyPem: readSmallFile(flags.key, { flag: '--key', maxBytes: KEY_MAX_BYTES }).toString('utf8'),
          name: flags.name,
          logs,
          statePath: flags.state,
          prefix: flags.prefix,
        });
        const address = await witness.listen(port, host);
        const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}${flags.prefix}`;
        if (reporter.json)
          process.stdout.write(
            `${JSON.stringify({ event: 'listening', url, verifierKey: witness.verifierKey, logs: [...logs.keys()] })}\n`,
          );
        reporter.line(`witness ${flags.name} listening on ${url}/add-checkpoint for ${plural(logs.size, 'log')}`);
        reporter.line(`verifier key (give it to auditors): ${witness.verifierKey}`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await witness.close();
        if (reporter.json) process.stdout.write(`${JSON.stringify({ event: 'stopped', ...witness.stats })}\n`);
        reporter.line(`stopped: ${witness.stats.cosigned} cosigned, ${witness.stats.refused} refused`);
        return 0;
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function readLogs(specs: string[]): Map<string, NotePublicKey> {
  if (specs.length === 0) throw new InvalidArgumentError('--log', 'name at least one log: --log ORIGIN=LOG.pub');
  const logs = new Map<string, NotePublicKey>();
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    if (eq <= 0) throw new InvalidArgumentError('--log', `"${spec}" is not ORIGIN=PUBLIC_KEY_FILE`);
    const origin = spec.slice(0, eq);
    const text = readSmallFile(spec.slice(eq + 1), { flag: '--log', maxBytes: KEY_MAX_BYTES }).toString('utf8');
    logs.set(origin, parseNotePublicKey(text, nodeSealingCrypto.sha256, '--log'));
  }
  return logs;
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new InvalidArgumentError('--listen', `"${text}" is not HOST:PORT`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
