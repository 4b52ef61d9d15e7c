#!/usr/bin/env node
// The benchmark suite: each bench runs in its own process (no JIT or heap state shared), one after
// the other on an otherwise idle machine, and prints its own table measured in that run.
//   npm run bench [-- --quick]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['wasm', 'native', 'manager', 'lease', 'audit', 'witness', 'attest', 'fleet', 'web', 'gpu'];
const args = process.argv.slice(2).filter((a) => a === '--quick');
let failed = 0;
for (const name of benches) {
  const script = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
  const r = spawnSync(process.execPath, ['--expose-gc', script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${name} failed (status ${r.status})`);
  }
  console.log('');
}
process.exitCode = failed ? 1 : 0;
