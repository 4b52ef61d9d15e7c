#!/usr/bin/env node
// The first run on a real GPU, in one command: `npm run gpu-check` on a machine with an NVIDIA GPU,
// driver R580+ and the CUDA toolkit, from a fresh clone. It builds with CUDA, checks the leaf
// kernel's registers, runs the CUDA-touching tests (including the cuda vs host-sim vs CPU engine
// equivalence suite), the device bench, and the CLI demo / seal / verify on the device, then
// prints one compact summary. Exit 0 all passed, 1 a check failed, 2 no GPU / no toolkit here.
//   --no-build     use the current build
//   --cpu-parts    on a machine without a GPU: run what a CPU can (CUDA build, ptxas, the suites
//                  as host-sim dry runs, the CLI on the simulated device)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const cpuParts = args.has('--cpu-parts');
const started = Date.now();
const rows = [];
let failed = false;

function gpuVisible() {
  if (existsSync('/proc/driver/nvidia/version')) return null;
  const smi = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' });
  if (!smi.error && smi.status === 0 && /GPU \d+:/.test(smi.stdout)) return null;
  return 'no NVIDIA driver is loaded and nvidia-smi lists no GPU';
}

function stop(line) {
  console.log(`gpu-check: ${line}`);
  process.exit(2);
}

function step(name, fn) {
  const t0 = Date.now();
  let detail;
  let ok = true;
  try {
    detail = fn();
  } catch (error) {
    ok = false;
    detail = String(error?.message ?? error)
      .split('\n')
      .slice(0, 6)
      .join(' | ');
  }
  if (!ok) failed = true;
  rows.push({ name, ok, detail: detail ?? '', seconds: (Date.now() - t0) / 1000 });
  return ok;
}

function run(command, argv, env = {}) {
  const r = spawnSync(command, argv, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return r;
}

function must(command, argv, env = {}) {
  const r = run(command, argv, env);
  if (r.status !== 0)
    throw new Error(
      `${[command, ...argv].join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-4).join(' | ')}`,
    );
  return r;
}

// 1. Preconditions: a GPU (unless --cpu-parts) and a CUDA toolkit.
const noGpu = gpuVisible();
if (noGpu && !cpuParts)
  stop(
    `stopped - no GPU here (${noGpu}); run it where an NVIDIA GPU, driver R580+ and nvcc are installed (--cpu-parts runs what a CPU can)`,
  );
const home = execFileSync(process.execPath, [join(root, 'scripts', 'detect-cuda.mjs'), '--home'], {
  encoding: 'utf8',
}).trim();
if (!home)
  stop(
    'stopped - no CUDA toolkit (nvcc, cuda_runtime_api.h, libcudart_static.a) found: set CUDA_HOME or put nvcc on PATH',
  );

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const cuda = { VRAM_RESIDENCY_CUDA: '1' };

// 2. Build with CUDA (a fresh clone gets its dependencies first).
if (!args.has('--no-build')) {
  step('build with CUDA', () => {
    if (!existsSync(join(root, 'node_modules'))) must(npm, ['install'], cuda);
    must(npm, ['run', 'build'], cuda);
    return `nvcc ${home}`;
  });
}

// 3. What the build can do here.
let status;
step('addon status', () => {
  const out = must(process.execPath, [
    '--input-type=module',
    '-e',
    "import { nativeStatus } from './dist/native/index.js'; console.log(JSON.stringify(nativeStatus()))",
  ]);
  status = JSON.parse(out.stdout);
  if (!status.withCuda) throw new Error('the addon was built without CUDA');
  return `${status.cudaDeviceCount} CUDA device(s)${status.driverRequirement ? `; ${status.driverRequirement}` : ''}`;
});
const onDevice = Boolean(status?.cudaDeviceCount > 0);
if (!onDevice && !cpuParts) stop(`stopped - the addon sees no usable CUDA device (${status?.reason ?? 'unknown'})`);

// 4. Registers and spills of the leaf kernel (sm_90: 8 blocks per SM without spills).
step('ptxas leaf kernel', () => must(process.execPath, ['scripts/ptxas-report.mjs', '90']).stdout.trim());

// 5. The CUDA-touching tests: cuda, equivalence vs host-sim and the CPU engine, the pipeline,
//    the manager and the CLI (which seal on the device when one is usable).
step(onDevice ? 'CUDA tests + equivalence' : 'tests (host-sim dry run)', () => {
  const files = [
    'test/native/cuda.test.ts',
    'test/native/gpu-equivalence.test.ts',
    'test/native/pipeline.test.ts',
    'test/manager/vram-manager.test.ts',
    'test/cli/cli.test.ts',
  ];
  const r = run('npx', ['tap', '--reporter=tap', ...files]);
  const summary = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/.exec(r.stdout);
  if (r.status !== 0)
    throw new Error(
      `tap failed: ${summary?.[0] ?? ''} ${(r.stdout.match(/not ok .*/g) ?? []).slice(0, 4).join(' | ')}`,
    );
  return `${files.length} files, ${summary?.[1] ?? '?'} assertions passed`;
});

// 6. Device bench.
step('bench/gpu.mjs', () => {
  const out = JSON.parse(must(process.execPath, ['bench/gpu.mjs', '--json']).stdout.trim().split('\n').at(-1));
  if (out.skipped) return `skipped: ${out.skipped.slice(0, 80)}`;
  return (
    `${out.device}: upload+hash ${out.uploadHashGBps.toFixed(1)} GB/s, re-hash ${out.rehashTBps.toFixed(3)} TB/s, ` +
    `${out.sampleMs.leaves}-leaf sample ${out.sampleMs.median.toFixed(3)} ms (p95 ${out.sampleMs.p95.toFixed(3)}), CPU ${out.cpuGBps.toFixed(1)} GB/s`
  );
});

// 7. The CLI on the device: demo, seal, verify (on the simulated device with --cpu-parts).
step(onDevice ? 'CLI demo/seal/verify on the GPU' : 'CLI demo/seal/verify (simulated)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-gpu-check-'));
  try {
    const env = { VRAM_RESIDENCY_TOKEN: 'gpu-check-token-0123456789abcdef', NO_COLOR: '1' };
    const cli = (argv) => JSON.parse(must(process.execPath, ['dist/cli/main.js', ...argv, '--json'], env).stdout);
    const demo = cli(['demo', '--dir', join(dir, 'demo'), '--size', '64MiB']);
    if (!demo.ok || demo.simulated !== !onDevice) throw new Error(`demo: ok ${demo.ok}, simulated ${demo.simulated}`);
    const model = join(dir, 'model.bin');
    writeFileSync(model, randomBytes(48 * 1024 * 1024 + 5));
    const sealed = cli(['seal', model, '--audit-dir', join(dir, 'audit'), ...(onDevice ? [] : ['--simulate'])]);
    const verified = cli(['verify', model, '--seal', `${model}.seal.json`, '--engine', 'native']);
    if (!verified.ok) throw new Error('verify failed');
    return `demo ${demo.steps.length} steps ok, sealed ${sealed.shards[0].digest.slice(0, 16)}…, verified`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const seconds = (Date.now() - started) / 1000;
console.log(`gpu-check${onDevice ? '' : ' (CPU parts only: no usable GPU)'}`);
for (const r of rows)
  console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(32)} ${r.seconds.toFixed(0).padStart(4)} s  ${r.detail}`);
console.log(
  `gpu-check: ${failed ? 'FAILED' : 'passed'} in ${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`,
);
process.exit(failed ? 1 : 0);
