// Runs the built CLI (dist/cli/main.js) as a real child process, in a given directory.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './vectors.js';

export const CLI = join(repoRoot, 'dist', 'cli', 'main.js');
export const TEST_TOKEN = 'test-worker-token-0123456789abcdef';

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document, or undefined when it is not exactly one. */
  json: any;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Flags for node itself, e.g. a small heap. */
  nodeArgs?: string[];
  timeoutMs?: number;
}

export function parsedJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function runCli(cwd: string, args: string[], opts: CliOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, VRAM_RESIDENCY_TOKEN: TEST_TOKEN, NO_COLOR: '1', ...opts.env },
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 << 20,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, json: parsedJson(r.stdout) };
}
