// `vram-residency bench`: runs the benchmark suite (bench/run.mjs) and passes its table through.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { FileIoError } from '../../errors.js';
import type { Reporter } from '../reporter.js';
import { runCommand } from '../run.js';

/** bench/run.mjs: in a clone of the repository, not in the published package. */
const SUITE = fileURLToPath(new URL('../../../bench/run.mjs', import.meta.url));

/** Registered only where the benchmark suite is installed: an npm install does not list a command that cannot run. */
export function registerBench(program: Command): void {
  if (!existsSync(SUITE)) return;
  program
    .command('bench')
    .description('run the benchmark suite against the peers and print the comparison table')
    .option('--quick', 'smaller inputs, for a quick look')
    .option('--json', 'print the measured rows as JSON')
    .action(
      runCommand(async (reporter: Reporter, opts: Record<string, boolean>) => {
        const script = SUITE;
        if (!existsSync(script))
          throw new FileIoError(
            `the benchmark suite is not installed here (${script} missing); run it from a clone of the repository`,
          );
        const args = [script, ...(opts.quick ? ['--quick'] : []), ...(reporter.json ? ['--json'] : [])];
        const r = spawnSync(process.execPath, ['--expose-gc', ...args], { stdio: 'inherit' });
        return r.status ?? 2;
      }),
    );
}
