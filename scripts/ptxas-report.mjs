#!/usr/bin/env node
// Registers, spills and shared memory of the leaf kernel per architecture (nvcc -Xptxas -v), and
// the verdict for sm_90: 8 blocks of 128 threads per SM need <= 64 registers and no spills.
//   node scripts/ptxas-report.mjs [sm ...]     (default: every arch of scripts/cuda-archs.mjs)
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SASS_ARCHS } from './cuda-archs.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const home = execFileSync(process.execPath, [join(root, 'scripts', 'detect-cuda.mjs'), '--home'], {
  encoding: 'utf8',
}).trim();
if (!home) {
  console.log('ptxas report skipped - no CUDA toolkit (nvcc) found');
  process.exit(0);
}
const requested = process.argv.slice(2).map(Number).filter(Boolean);
let failed = false;
for (const sm of requested.length > 0 ? requested : SASS_ARCHS) {
  // ptxas reports on stderr
  const r = spawnSync(
    join(home, 'bin', 'nvcc'),
    [
      '-c',
      join(root, 'csrc', 'kernels.cu'),
      '-o',
      '/dev/null',
      '-std=c++17',
      '-O3',
      `-I${join(root, 'csrc')}`,
      '-Xptxas',
      '-v',
      `-gencode=arch=compute_${sm},code=sm_${sm}`,
    ],
    { encoding: 'utf8' },
  );
  const text = r.stderr.slice(r.stderr.search(/Compiling entry function '.*leafHashKernel/));
  const spill = /(\d+) bytes spill stores, (\d+) bytes spill loads/.exec(text);
  const used = /Used (\d+) registers.*?(\d+) bytes smem/.exec(text);
  if (r.status !== 0 || !spill || !used) {
    console.log(`sm_${sm}: nvcc failed\n${r.stderr}`);
    failed = true;
    continue;
  }
  const registers = Number(used[1]);
  const spills = Number(spill[1]) + Number(spill[2]);
  const verdict =
    sm === 90 ? (registers <= 64 && spills === 0 ? '  (8 blocks/SM fit: ok)' : '  (8 blocks/SM do NOT fit)') : '';
  if (verdict.includes('NOT')) failed = true;
  console.log(
    `sm_${sm}: leafHashKernel ${registers} registers, ${spills} bytes spilled, ${used[2]} bytes shared${verdict}`,
  );
}
process.exit(failed ? 1 : 0);
