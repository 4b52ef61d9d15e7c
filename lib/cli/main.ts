#!/usr/bin/env node
// The `vram-residency` command. Exit status: 0 ok, 1 a check failed, 2 usage or environment error.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './exit.js';
import { helpArgv, tokenArgumentHint } from './hints.js';

/** The installed package's version (package.json sits two levels above lib/cli and dist/cli). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}

type Register = (program: Command) => void;

// Every command's module, in help order. Starting the CLI is mostly loading modules (0.38 s with
// every command, about 0.2 s with one), so a run that names a command loads only that one; help,
// no command and unknown commands (commander suggests the nearest name) load them all.
const COMMANDS: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['doctor'], load: async () => (await import('./commands/doctor.js')).registerDoctor },
  { names: ['demo'], load: async () => (await import('./commands/demo.js')).registerDemo },
  { names: ['seal'], load: async () => (await import('./commands/seal.js')).registerSeal },
  { names: ['verify'], load: async () => (await import('./commands/verify.js')).registerVerify },
  { names: ['keygen'], load: async () => (await import('./commands/keygen.js')).registerKeygen },
  {
    names: ['sign-model', 'verify-model'],
    load: async () => (await import('./commands/model-signing.js')).registerModelSigning,
  },
  { names: ['digest'], load: async () => (await import('./commands/digest.js')).registerDigest },
  { names: ['audit'], load: async () => (await import('./commands/audit.js')).registerAudit },
  { names: ['bench'], load: async () => (await import('./commands/bench.js')).registerBench },
  { names: ['verifier'], load: async () => (await import('./commands/verifier.js')).registerVerifier },
  { names: ['witness'], load: async () => (await import('./commands/witness.js')).registerWitness },
];

/** The command a command line names: its first word that is not an option (the global ones take no value). */
function commandNamed(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('vram-residency')
    .description('Sealed VRAM residency for inference workers: seal, verify and audit model shards in device memory')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'show stack traces on errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const named = commandNamed(argv);
  const versionOnly = named === undefined && (argv.includes('-V') || argv.includes('--version'));
  const one = COMMANDS.find((c) => named !== undefined && c.names.includes(named));
  const wanted = versionOnly ? [] : one ? [one] : COMMANDS;
  const registers = await Promise.all(wanted.map((c) => c.load()));
  for (const register of registers) register(program);
  for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)])
    command.exitOverride();
  return program;
}

/** A reader that went away (`… | head`) is not an error: stop quietly, without a stack trace. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

async function main(): Promise<void> {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  const tokenHint = tokenArgumentHint(process.argv);
  if (tokenHint) {
    process.stderr.write(`error: ${tokenHint}\n`);
    if (process.argv.includes('--json'))
      process.stdout.write(
        JSON.stringify({ ok: false, error: { code: 'E_USAGE', message: tokenHint } }, null, 2) + '\n',
      );
    process.exitCode = EXIT_USAGE;
    return;
  }
  try {
    const argv = helpArgv(process.argv);
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const helpOrVersion = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
      process.exitCode = helpOrVersion ? 0 : EXIT_USAGE;
      // Commander has said it on stderr; a --json caller still gets its one document on stdout.
      if (!helpOrVersion && process.argv.includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        process.stdout.write(JSON.stringify({ ok: false, error: { code: 'E_USAGE', message } }, null, 2) + '\n');
      }
      return;
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

await main();
