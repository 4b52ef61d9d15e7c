// Issue 16: a production machine with the NVIDIA driver and nothing else. The package is packed
// with its prebuilt CUDA addon and installed into a fresh project with --ignore-scripts, with a
// PATH that holds node/npm/npx and basic tools only (no nvcc, no C/C++ compiler, no make) and no
// CUDA variables: the addon must load from the prebuild, with CUDA, and seal/verify must work.
// The same install without a prebuild for this platform falls back to WASM with one clear line.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { repoRoot } from '../helpers/vectors.js';

const toolkit =
  spawnSync(process.execPath, ['scripts/detect-cuda.mjs'], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim() === '1';
const dir = mkdtempSync(join(tmpdir(), 'vrr-prebuild-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// node, npm, npx and a few shell tools; nothing that compiles.
function bareToolbox(): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const npmCli = realpathSync(join(dirname(process.execPath), 'npm'));
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync(npmCli, join(bin, 'npm'));
  symlinkSync(join(dirname(npmCli), 'npx-cli.js'), join(bin, 'npx'));
  for (const tool of [
    'sh',
    'bash',
    'env',
    'ls',
    'cat',
    'rm',
    'mkdir',
    'cp',
    'mv',
    'ln',
    'chmod',
    'uname',
    'sed',
    'grep',
    'tar',
    'gzip',
    'dirname',
    'basename',
  ]) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (found) symlinkSync(found, join(bin, tool));
  }
  return bin;
}

function bareEnv(bin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: bin,
    HOME: process.env.HOME,
    TMPDIR: tmpdir(),
    NO_COLOR: '1',
    npm_config_cache: join(process.env.HOME ?? '/root', '.npm'),
    npm_config_update_notifier: 'false',
  };
  for (const [k, v] of Object.entries(process.env)) if (/proxy|^npm_config_registry$/i.test(k)) env[k] = v;
  return env;
}

t.test(
  'packed, installed with --ignore-scripts, no compilers: the prebuilt CUDA addon loads',
  { skip: toolkit ? false : 'no CUDA toolkit here: the prebuilt addon is always built with CUDA' },
  async (t) => {
    const prebuild = spawnSync(process.execPath, ['scripts/prebuild.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    t.equal(prebuild.status, 0, `npm run prebuild:cuda: ${prebuild.stdout.trim()} ${prebuild.stderr.trim()}`);
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    t.equal(pack.status, 0, pack.stderr);
    const packed = JSON.parse(pack.stdout)[0] as { filename: string; size: number; files: Array<{ path: string }> };
    t.ok(
      packed.files.some((f) => f.path === 'prebuilds/linux-x64/vram_residency.cuda.node'),
      'the tarball carries the prebuild',
    );
    const tarball = join(dir, packed.filename);
    t.ok(
      statSync(tarball).size < 20 * 1024 * 1024,
      `tarball ${(statSync(tarball).size / 1024 / 1024).toFixed(2)} MiB < 20 MiB`,
    );
    t.comment(`tarball: ${(statSync(tarball).size / 1024).toFixed(0)} KiB, ${packed.files.length} files`);

    const bin = bareToolbox();
    const env = bareEnv(bin);
    for (const compiler of ['cc', 'gcc', 'g++', 'c++', 'clang', 'clang++', 'nvcc', 'make', 'node-gyp']) {
      t.not(spawnSync('sh', ['-c', `command -v ${compiler}`], { env }).status, 0, `${compiler} is not on PATH`);
    }
    t.notOk(
      Object.keys(env).some((k) => /CUDA/.test(k)),
      'no CUDA variables',
    );

    const project = join(dir, 'app');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }),
    );
    const install = spawnSync(
      'npm',
      ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', tarball],
      { cwd: project, env, encoding: 'utf8' },
    );
    t.equal(install.status, 0, `npm install: ${install.stderr.slice(-500)}`);
    const installed = join(project, 'node_modules', 'vram-residency');
    t.notOk(existsSync(join(installed, 'build')), 'nothing was compiled');

    const npx = (...argv: string[]) =>
      spawnSync('npx', ['--no-install', 'vram-residency', ...argv], {
        cwd: project,
        env: { ...env, VRAM_RESIDENCY_TOKEN: 'prebuild-test-token-0123456789abcdef' },
        encoding: 'utf8',
      });
    const doctor = npx('doctor', '--json');
    t.equal(doctor.status, 0, doctor.stderr);
    const report = JSON.parse(doctor.stdout);
    t.match(report.addon, {
      loaded: true,
      withCuda: true,
      binary: { kind: 'prebuild', path: /prebuilds\/linux-x64\/vram_residency\.cuda\.node$/ },
    });
    t.match(report.addon.driverRequirement, /R580 or newer/, 'doctor states the driver the prebuild needs');

    const model = join(project, 'model.bin');
    writeFileSync(model, randomBytes(1_000_003));
    const seal = npx('seal', model, '--simulate', '--audit-dir', join(project, 'audit'), '--json');
    t.equal(seal.status, 0, `seal --simulate: ${seal.stderr}`);
    const verify = npx('verify', model, '--seal', `${model}.seal.json`, '--engine', 'native', '--json');
    t.equal(verify.status, 0, `verify --engine native: ${verify.stderr}`);
    t.match(JSON.parse(verify.stdout), { ok: true });

    t.test('without a prebuild for this platform: one clear line, WASM verification', async (t) => {
      const prebuilds = join(installed, 'prebuilds');
      renameSync(join(prebuilds, 'linux-x64'), join(prebuilds, 'linux-arm64'));
      const human = npx('doctor');
      t.equal(human.status, 0);
      const addonLines = human.stdout.split('\n').filter((l) => /^addon:/.test(l));
      t.equal(addonLines.length, 1);
      t.match(
        addonLines[0],
        /not loaded: .*no prebuilt addon for linux-x64 \(the package has: linux-arm64\); no local build.*verification uses WASM/,
      );
      const fallback = npx('verify', model, '--seal', `${model}.seal.json`, '--json');
      t.equal(fallback.status, 0, fallback.stderr);
      t.match(JSON.parse(fallback.stdout), { ok: true });
      // The install script, run the way npm would without --ignore-scripts: no compiler, so it
      // says so in one line and does not fail the install.
      const script = spawnSync(process.execPath, [join(installed, 'scripts', 'install.mjs')], {
        cwd: installed,
        env,
        encoding: 'utf8',
      });
      t.equal(script.status, 0, 'a failed compile does not fail the install');
      t.match(
        script.stdout.trim(),
        /^vram-residency: no prebuilt addon for linux-x64 and no local build \(.*\); the package works without it: offline verification uses WASM$/,
      );
      renameSync(join(prebuilds, 'linux-arm64'), join(prebuilds, 'linux-x64'));
      const withPrebuild = spawnSync(process.execPath, [join(installed, 'scripts', 'install.mjs')], {
        cwd: installed,
        env,
        encoding: 'utf8',
      });
      t.match(
        withPrebuild.stdout,
        /using the prebuilt addon for linux-x64/,
        'the install script compiles nothing when the prebuild fits',
      );
      t.same(readdirSync(installed).includes('build'), false);
    });
  },
);
