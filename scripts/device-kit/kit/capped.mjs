// One child process with a time cap, its output kept for the step's log. Never throws.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const kitDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command (cwd: the kit folder) with a time cap; never throws. */
export function runCapped(command, args, capSeconds, env = {}) {
  const t0 = Date.now();
  const r = spawnSync(command, args, {
    cwd: kitDir,
    encoding: 'utf8',
    timeout: Math.max(1, capSeconds) * 1000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  const output = `${r.stdout ?? ''}${r.stderr ? `\n--- stderr ---\n${r.stderr}` : ''}`;
  const timedOut =
    r.error?.code === 'ETIMEDOUT' || (r.signal === 'SIGKILL' && Date.now() - t0 >= capSeconds * 1000 - 50);
  return {
    status: r.status,
    stdout: r.stdout ?? '',
    output,
    timedOut,
    error: r.error && !timedOut ? `${command} could not run (${r.error.code ?? r.error.message})` : null,
    seconds: (Date.now() - t0) / 1000,
  };
}
