#!/usr/bin/env node
// Configure-time CUDA detection for binding.gyp.
//   node scripts/detect-cuda.mjs          -> "1" to build the CUDA backend, "0" for a host-only build
//   node scripts/detect-cuda.mjs --home   -> the CUDA toolkit root ("" when none)
// VRAM_RESIDENCY_CUDA=0 forces a host-only build; VRAM_RESIDENCY_CUDA=1 requires the toolkit.
// Search order: CUDA_HOME, CUDA_PATH, the toolkit of `nvcc` on PATH, /usr/local/cuda.
import { existsSync, realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';

function isToolkit(home) {
  return (
    Boolean(home) &&
    existsSync(join(home, 'bin', 'nvcc')) &&
    existsSync(join(home, 'include', 'cuda_runtime_api.h')) &&
    existsSync(join(home, 'lib64', 'libcudart_static.a'))
  );
}

function nvccOnPath() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'nvcc');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

// nvcc on PATH may be a wrapper script; ask it where it lives (nvcc -v prints TOP=...).
function toolkitOfNvcc(nvcc) {
  const direct = dirname(dirname(realpathSync(nvcc)));
  if (isToolkit(direct)) return direct;
  try {
    const out = execFileSync(nvcc, ['-v', '--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const top = /#\$ TOP=(\S+)/.exec(out)?.[1];
    if (top && isToolkit(top)) return top;
  } catch (error) {
    const text = String(error?.stderr ?? '') + String(error?.stdout ?? '');
    const top = /#\$ TOP=(\S+)/.exec(text)?.[1];
    if (top && isToolkit(top)) return top;
  }
  return null;
}

function findToolkit() {
  for (const home of [process.env.CUDA_HOME, process.env.CUDA_PATH]) if (home && isToolkit(home)) return home;
  const nvcc = nvccOnPath();
  if (nvcc) {
    const home = toolkitOfNvcc(nvcc);
    if (home) return home;
  }
  return isToolkit('/usr/local/cuda') ? '/usr/local/cuda' : null;
}

const wanted = process.env.VRAM_RESIDENCY_CUDA;
const home = wanted === '0' ? null : findToolkit();
if (wanted === '1' && !home) {
  console.error('VRAM_RESIDENCY_CUDA=1 but no CUDA toolkit (nvcc, cuda_runtime_api.h, libcudart_static.a) was found');
  process.exit(1);
}
process.stdout.write(process.argv.includes('--home') ? (home ?? '') : home ? '1' : '0');
