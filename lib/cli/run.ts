// The wrapper every command action goes through: one Reporter, errors turned into one clear
// sentence (or a JSON error document), and the exit status set from what happened.
import type { Command } from 'commander';
import { InvalidArgumentError, SealCheckError, SealVerificationError, VramResidencyError } from '../errors.js';
import { assertLeafSize } from '../formats/leaf-size.js';
import { CheckFailed, EXIT_CHECK_FAILED, errorJson, exitCodeFor, isSystemError } from './exit.js';
import { Reporter, parseSize } from './reporter.js';
import { colourise, colourWanted } from './colour.js';

type Action = (reporter: Reporter, ...args: any[]) => Promise<number>;

export function runCommand(action: Action): (...args: any[]) => Promise<void> {
  return async (...args: any[]) => {
    const command = args[args.length - 1] as Command;
    const opts = command.opts();
    const debug = Boolean(command.optsWithGlobals().debug);
    const reporter = new Reporter({ json: Boolean(opts.json) });
    try {
      process.exitCode = await action(reporter, ...args.slice(0, -1));
    } catch (error) {
      const code = exitCodeFor(error);
      if (reporter.json) {
        reporter.result({ ok: false, error: errorJson(error, debug) });
      } else {
        const prefix = code === EXIT_CHECK_FAILED ? colourise(colourWanted(process.stderr), 'red', 'FAILED') : 'error';
        const sentence = error instanceof Error ? error.message : String(error);
        reporter.warn(`${prefix}: ${sentence}`);
        if (error instanceof SealCheckError || error instanceof SealVerificationError) {
          reporter.warn(`reason: ${error.reason}`);
        }
        if (debug && error instanceof Error && error.stack) reporter.warn(error.stack);
        else if (!(error instanceof VramResidencyError) && !(error instanceof CheckFailed) && !isSystemError(error))
          reporter.warn('(an unexpected error: run with --debug for details)');
      }
      process.exitCode = code;
    }
  };
}

export function parseLeafSize(text: string): number {
  const n = parseSizeArg('--leaf-size', text);
  assertLeafSize(n, '--leaf-size');
  return n;
}

export function parseSizeArg(flag: string, text: string): number {
  try {
    return parseSize(text);
  } catch (error) {
    throw new InvalidArgumentError(flag, (error as Error).message);
  }
}

export function parseIntArg(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(flag, `must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}
