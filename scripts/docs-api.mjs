#!/usr/bin/env node
// npm run docs:api: TypeDoc with colour only on a terminal. TypeDoc colours its messages unless
// NO_COLOR is set, so a log file or CI output would get raw ANSI codes; set it when stdout is not a TTY.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
if (!process.stdout.isTTY || !process.stderr.isTTY) env.NO_COLOR = '1';
const r = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), ...process.argv.slice(2)],
  {
    cwd: root,
    env,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
