// Drives test/manager/fixtures/ipc-consumer.mjs, a real second process that opens exported leases
// with the built SDK (dist/): one JSON command per line, one JSON reply per line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './vectors.js';

export const CONSUMER = join(repoRoot, 'test', 'manager', 'fixtures', 'ipc-consumer.mjs');
export const DIST_IPC = join(repoRoot, 'dist', 'native', 'ipc.js');

export interface Consumer {
  pid: number;
  /** Sends a command; resolves with the reply, or with `{ exited }` if the process ended first. */
  send(command: Record<string, unknown>): Promise<any>;
  /** How the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  end(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startConsumer(): Consumer {
  if (!existsSync(DIST_IPC)) throw new Error(`${DIST_IPC} is missing: build with npx tsc -p tsconfig.json`);
  const child = spawn(process.execPath, [CONSUMER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: ((reply: unknown) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid!,
    send(command) {
      const reply = new Promise((resolve) => waiting.push(resolve));
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      return Promise.race([reply, exited.then((how) => ({ exited: how }))]);
    },
    exited,
    end() {
      child.stdin!.end();
      return exited;
    },
  };
}
