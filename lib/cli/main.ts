#!/usr/bin/env node
// The `vram-residency` command. Exit status: 0 ok, 1 a check failed, 2 usage or environment error.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerBench } from './commands/bench.js';
import { registerDemo } from './commands/demo.js';
import { registerDigest } from './commands/digest.js';
import { registerDoctor } from './commands/doctor.js';
import { registerKeygen } from './commands/keygen.js';
import { registerModelSigning } from './commands/model-signing.js';
import { registerSeal } from './commands/seal.js';
import { registerVerifier } from './commands/verifier.js';
import { registerVerify } from './commands/verify.js';
import { registerWitness } from './commands/witness.js';
import { EXIT_USAGE } from './exit.js';
import { helpArgv, tokenArgumentHint } from './hints.js';

/** The installed package's version (package.json sits two levels above lib/cli and dist/cli). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}

export function buildProgram(): Command {
  const program = new Command('vram-residency')
    .description('Sealed VRAM residency for inference workers: seal, verify and audit model shards in device memory')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'show stack traces on errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of [
    registerDoctor,
    registerDemo,
    registerSeal,
    registerVerify,
    registerKeygen,
    registerModelSigning,
    registerDigest,
    registerAudit,
    registerBench,
    registerVerifier,
    registerWitness,
  ]) {
    register(program);
  }
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
    await buildProgram().parseAsync(helpArgv(process.argv));
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
