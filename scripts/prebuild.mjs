#!/usr/bin/env node
// Produces the prebuilt addon the published package carries:
//   prebuilds/<platform>-<arch>/vram_residency.cuda.node
// built with CUDA (static cudart, SASS for scripts/cuda-archs.mjs + PTX, only the Node-API entry
// points exported) and stripped. Node-API makes one binary valid for every Node >= 20.
// Reuses the existing prebuild when it is newer than every build input, and copies a fresh CUDA
// build from build/Release when there is one; otherwise it builds in a temporary copy so the
// developer's build/ is untouched. `npm run prebuild:cuda` (not "prebuild": npm would run a
// script of that name before every `npm run build`); `npm pack` runs it too (prepack).
//   node scripts/prebuild.mjs [--force]
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const platform = `${process.platform}-${process.arch}`;
const target = join(root, 'prebuilds', platform, 'vram_residency.cuda.node');
const inputs = [
  join(root, 'binding.gyp'),
  join(root, 'scripts', 'cuda-archs.mjs'),
  ...readdirSync(join(root, 'csrc')).map((f) => join(root, 'csrc', f)),
];
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
const fresh = (file) => existsSync(file) && statSync(file).mtimeMs > newestInput;

function builtWithCuda(file) {
  const probe = spawnSync(
    process.execPath,
    ['-e', `process.stdout.write(String(require(${JSON.stringify(file)}).status().withCuda))`],
    { encoding: 'utf8' },
  );
  return probe.status === 0 && probe.stdout === 'true';
}

function finish(from, how) {
  mkdirSync(join(root, 'prebuilds', platform), { recursive: true });
  copyFileSync(from, target);
  spawnSync('strip', ['--strip-unneeded', target]); // symbols are local already; strip is optional
  if (!builtWithCuda(target)) {
    console.error(`prebuild: ${target} does not load or was built without CUDA`);
    process.exit(1);
  }
  console.log(
    `prebuild: ${how} -> prebuilds/${platform}/vram_residency.cuda.node (${(statSync(target).size / 1024 / 1024).toFixed(1)} MiB)`,
  );
}

if (!process.argv.includes('--force') && fresh(target)) {
  console.log(`prebuild: prebuilds/${platform}/vram_residency.cuda.node is newer than csrc/; kept (--force rebuilds)`);
  process.exit(0);
}
const local = join(root, 'build', 'Release', 'vram_residency.node');
if (!process.argv.includes('--force') && fresh(local) && builtWithCuda(local)) {
  finish(local, 'copied the fresh CUDA build from build/Release');
  process.exit(0);
}

const home = execFileSync(process.execPath, [join(root, 'scripts', 'detect-cuda.mjs'), '--home'], {
  encoding: 'utf8',
}).trim();
if (!home) {
  console.error(
    'prebuild: no CUDA toolkit found (nvcc, cuda_runtime_api.h, libcudart_static.a); the prebuilt addon is always built with CUDA',
  );
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'vrr-prebuild-'));
try {
  for (const part of ['binding.gyp', 'csrc', 'scripts']) cpSync(join(root, part), join(dir, part), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const nodeGyp = process.env.npm_config_node_gyp ?? join(root, 'node_modules', '.bin', 'node-gyp');
  const gyp = nodeGyp.endsWith('.js') ? [process.execPath, [nodeGyp]] : [nodeGyp, []];
  const r = spawnSync(gyp[0], [...gyp[1], 'rebuild', '-j', 'max'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, VRAM_RESIDENCY_CUDA: '1' },
  });
  if (r.status !== 0) {
    console.error('prebuild: the CUDA build failed');
    process.exit(1);
  }
  finish(join(dir, 'build', 'Release', 'vram_residency.node'), `built with CUDA (${home})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
