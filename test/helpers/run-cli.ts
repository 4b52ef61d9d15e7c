// Runs the built CLI (dist/cli/main.js) as a real child process, as a user would, and parses its
// stdout as the one JSON document a --json run prints.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './vectors.js';

export const CLI = join(repoRoot, 'dist', 'cli', 'main.js');
export const TEST_TOKEN = 'test-worker-token-0123456789abcdef';

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

/** A `cli(args, env)` bound to a working directory; the worker token is set unless env overrides it. */
export function cliIn(cwd: string): (args: string[], env?: Record<string, string>) => Run {
  return (args, env = {}) => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, VRAM_RESIDENCY_TOKEN: TEST_TOKEN, NO_COLOR: '1', ...env },
      timeout: 120_000,
    });
    let json: any;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = undefined;
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
  };
}
