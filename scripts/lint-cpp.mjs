#!/usr/bin/env node
// Checks that csrc/ is formatted by .clang-format (clang-format --dry-run -Werror); with --fix it
// rewrites the files instead. Without clang-format on PATH it says so and exits 0, so a machine
// without it can still run `npm test`; CI installs it (apt: clang-format) and fails on a diff.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fix = process.argv.includes('--fix');
const binary = process.env.CLANG_FORMAT ?? 'clang-format';

const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log(`lint:cpp skipped - ${binary} is not installed (apt-get install clang-format); csrc/ was not checked`);
  process.exit(0);
}
const files = readdirSync(join(root, 'csrc'))
  .filter((name) => /\.(cpp|h|cu|cuh)$/.test(name))
  .sort()
  .map((name) => join('csrc', name));
const args = fix ? ['-i', ...files] : ['--dry-run', '-Werror', ...files];
try {
  execFileSync(binary, args, { cwd: root, stdio: 'inherit' });
} catch {
  console.error(`lint:cpp: csrc/ is not formatted as .clang-format says; run \`npm run format:cpp\``);
  process.exit(1);
}
console.log(`lint:cpp: ${files.length} files formatted (${probe.stdout.trim()})`);
