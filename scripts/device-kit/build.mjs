#!/usr/bin/env node
// Builds the device kit: one self-contained folder (at most 60 MiB) that runs the first GPU checks
// on a machine that has the NVIDIA driver and nothing else (no Node.js, no registry, no network).
// It holds this machine's Node binary (stripped, xz-compressed), the built package with its
// production dependencies and the CUDA prebuild, the checks (Node's built-in test runner, no dev
// dependencies), the hand-off scripts and run.sh. Same tree + same Node binary → same bytes.
//   npm run device-kit -- [--out DIR] [--addon cuda|any|local]
//   --out DIR     where to build (default: device-kit/, gitignored); an existing kit there is replaced
//   --addon cuda  (default) carry the CUDA prebuild: scripts/prebuild.mjs reuses a fresh one, copies a
//                 fresh CUDA build from build/Release, or builds one (~8 min here)
//   --addon any   never compile: the fresh CUDA prebuild when there is one, else build/Release as it is
//                 (host-only or CUDA); kit.json and run.sh say which addon the kit carries
//   --addon local build/Release as it is, even with a fresh prebuild beside it (the tests: another
//                 test's npm pack can make a prebuild between two of their builds)
// Exit 0 built, 1 the kit could not be built or is over the size limit, 2 usage error.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const here = join(root, 'scripts', 'device-kit');
export const KIT_LIMIT_BYTES = 60 * 1024 * 1024;
const FIXED_TIME = new Date('2000-01-01T00:00:00Z'); // every file's mtime: no build time leaks into the kit
const platform = `${process.platform}-${process.arch}`;

function fail(code, line) {
  console.error(`device-kit: ${line}`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { out: join(root, 'device-kit'), addon: 'cuda' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) opts.out = resolve(argv[++i]);
    else if (a === '--addon' && ['cuda', 'any', 'local'].includes(argv[i + 1])) opts.addon = argv[++i];
    else
      fail(
        2,
        `unknown or incomplete argument ${JSON.stringify(a)}; usage: device-kit [--out DIR] [--addon cuda|any|local]`,
      );
  }
  return opts;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function newestMtime(dir, filter) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !filter(entry.name)) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

// dist/ must be the compiled form of lib/ as it is now: a stale dist would ship old code.
function ensureDist() {
  const distIndex = join(root, 'dist', 'index.js');
  const libNewest = newestMtime(join(root, 'lib'), (n) => n.endsWith('.ts'));
  if (
    existsSync(distIndex) &&
    statSync(distIndex).mtimeMs >= libNewest &&
    existsSync(join(root, 'dist', 'verifier.html'))
  )
    return 'dist/ is current';
  console.log('device-kit: dist/ is older than lib/; compiling (tsc -p tsconfig.json)');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail(1, 'tsc failed; fix the build first');
  if (!existsSync(join(root, 'dist', 'verifier.html'))) fail(1, 'dist/verifier.html is missing: run npm run build:web');
  return 'compiled dist/';
}

function addonFacts(file) {
  const r = spawnSync(
    process.execPath,
    ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(file)}).status()))`],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) return null;
  const s = JSON.parse(r.stdout);
  return { withCuda: s.withCuda === true, runtimeVersion: s.runtimeVersion ?? null };
}

// Which addon the kit carries, and where it goes inside the package (the loader's own places).
function chooseAddon(mode) {
  const prebuild = join(root, 'prebuilds', platform, 'vram_residency.cuda.node');
  const csrcNewest = Math.max(
    newestMtime(join(root, 'csrc'), () => true),
    statSync(join(root, 'binding.gyp')).mtimeMs,
  );
  const freshPrebuild = () => existsSync(prebuild) && statSync(prebuild).mtimeMs > csrcNewest;
  if (mode === 'cuda') {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'prebuild.mjs')], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) fail(1, 'no CUDA prebuild (scripts/prebuild.mjs failed); --addon any carries the local build');
  }
  if (mode === 'cuda' || (mode === 'any' && freshPrebuild())) {
    const facts = addonFacts(prebuild);
    if (!facts?.withCuda) fail(1, `${relative(root, prebuild)} does not load or was built without CUDA`);
    return {
      source: prebuild,
      into: `prebuilds/${platform}/vram_residency.cuda.node`,
      kind: 'cuda-prebuild',
      ...facts,
    };
  }
  const local = join(root, 'build', 'Release', 'vram_residency.node');
  const facts = existsSync(local) ? addonFacts(local) : null;
  if (!facts)
    fail(
      1,
      'no loadable build/Release/vram_residency.node (and, for --addon any, no fresh CUDA prebuild): run npm run build:addon',
    );
  return {
    source: local,
    into: 'build/Release/vram_residency.node',
    kind: facts.withCuda ? 'local-cuda-build' : 'local-host-build',
    ...facts,
  };
}

// The stripped, xz-compressed Node binary. xz -6 -T1 is deterministic; the result is cached by the
// binary's digest (compressing takes ~35 s on one core) in $VRR_KIT_CACHE or ~/.cache.
function packNode(out) {
  const binary = readFileSync(process.execPath);
  const digest = sha256(binary);
  const cacheDir = process.env.VRR_KIT_CACHE ?? join(homedir(), '.cache', 'vram-residency', 'device-kit');
  const cached = join(cacheDir, `node-${digest.slice(0, 24)}-strip-xz6.xz`);
  if (!existsSync(cached)) {
    mkdirSync(cacheDir, { recursive: true });
    const stripped = `${cached}.strip.tmp`;
    const strip = spawnSync('strip', ['-o', stripped, process.execPath]);
    if (strip.error || strip.status !== 0) copyFileSync(process.execPath, stripped); // strip is optional
    const xz = spawnSync('xz', ['-6', '-T1', '-c', stripped], { maxBuffer: 256 * 1024 * 1024 });
    rmSync(stripped, { force: true });
    if (xz.error || xz.status !== 0)
      fail(1, `xz failed (${xz.error?.code ?? xz.stderr}); the kit needs xz on this machine`);
    writeFileSync(`${cached}.tmp`, xz.stdout);
    renameSync(`${cached}.tmp`, cached);
  }
  copyFileSync(cached, join(out, 'node.xz'));
  return { version: process.version, binarySha256: digest, xzBytes: statSync(cached).size };
}

function copyTree(from, to, keep = () => true) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (!keep(entry)) continue;
    if (entry.isDirectory()) copyTree(src, dst, keep);
    else if (entry.isFile()) {
      mkdirSync(to, { recursive: true });
      copyFileSync(src, dst);
    }
  }
}

// Production dependencies, as package-lock.json lists them (entries without "dev": true). Nested
// node_modules are entries of their own, so a package folder is copied without them.
function copyProductionDeps(pkgDir) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const names = [];
  for (const [key, meta] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || meta.dev || meta.link) continue;
    const src = join(root, key);
    if (!existsSync(src) && meta.optional) continue; // an optional package for another platform
    if (!existsSync(src)) fail(1, `production dependency ${key} is missing: run npm install`);
    copyTree(src, join(pkgDir, key), (entry) => !(entry.isDirectory() && entry.name === 'node_modules'));
    names.push(key.slice('node_modules/'.length));
  }
  return names.sort();
}

function writePackage(pkgDir, addon) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const { name, version, type, main, types, exports, bin, dependencies, engines } = pkg;
  mkdirSync(pkgDir, { recursive: true });
  writeFileSync(
    join(pkgDir, 'package.json'),
    `${JSON.stringify({ name, version, type, main, types, exports, bin, engines, dependencies }, null, 2)}\n`,
  );
  copyTree(join(root, 'dist'), join(pkgDir, 'dist'), (e) => e.isDirectory() || !/\.(map|d\.ts)$/.test(e.name));
  mkdirSync(join(pkgDir, 'bench'), { recursive: true });
  copyFileSync(join(root, 'bench', 'gpu.mjs'), join(pkgDir, 'bench', 'gpu.mjs'));
  mkdirSync(dirname(join(pkgDir, addon.into)), { recursive: true });
  copyFileSync(addon.source, join(pkgDir, addon.into));
  if (addon.kind !== 'cuda-prebuild') spawnSync('strip', ['--strip-unneeded', join(pkgDir, addon.into)]);
  return copyProductionDeps(pkgDir);
}

function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
    .sort();
}

function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: root,
      encoding: 'utf8',
    });
    return dirty.trim() ? `${head}+changes` : head;
  } catch {
    return null;
  }
}

function prepareOut(out) {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) fail(2, `${out} exists and is not a folder; choose an empty or new folder`);
    const entries = readdirSync(out);
    if (entries.length > 0 && !entries.includes('kit.json'))
      fail(2, `${out} exists and is not a device kit (no kit.json); choose an empty or new folder`);
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
}

export function buildKit(opts) {
  const t0 = Date.now();
  prepareOut(opts.out); // first: a wrong --out is refused before minutes of building
  const distNote = ensureDist();
  const addon = chooseAddon(opts.addon);
  const node = packNode(opts.out);
  const deps = writePackage(join(opts.out, 'package'), addon);
  copyTree(join(here, 'kit'), join(opts.out, 'kit'));
  copyFileSync(join(here, 'run.sh'), join(opts.out, 'run.sh'));
  const files = listFiles(opts.out);
  const digests = Object.fromEntries(files.map((f) => [f, sha256(readFileSync(join(opts.out, f)))]));
  const manifest = {
    kit: 'vram-residency device kit',
    format: 1,
    commit: gitCommit(),
    platform,
    node,
    addon: {
      kind: addon.kind,
      path: `package/${addon.into}`,
      withCuda: addon.withCuda,
      runtimeVersion: addon.runtimeVersion,
    },
    dependencies: deps,
    treeSha256: sha256(files.map((f) => `${digests[f]}  ${f}\n`).join('')),
    files: digests,
  };
  writeFileSync(join(opts.out, 'kit.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const f of [...listFiles(opts.out)]) utimesSync(join(opts.out, f), FIXED_TIME, FIXED_TIME);
  chmodSync(join(opts.out, 'run.sh'), 0o755);
  const bytes = listFiles(opts.out).reduce((n, f) => n + statSync(join(opts.out, f)).size, 0);
  return { manifest, bytes, seconds: (Date.now() - t0) / 1000, distNote };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  const { manifest, bytes, seconds, distNote } = buildKit(opts);
  const mib = (bytes / 1024 / 1024).toFixed(1);
  const line =
    `device-kit: ${opts.out} ${mib} MiB (limit ${KIT_LIMIT_BYTES / 1024 / 1024} MiB): node ${manifest.node.version} ` +
    `(${(manifest.node.xzBytes / 1024 / 1024).toFixed(1)} MiB xz), addon ${manifest.addon.kind}` +
    `${manifest.addon.withCuda ? '' : ' (no CUDA: this kit can only dry-run)'}, ` +
    `${manifest.dependencies.length} production packages, tree ${manifest.treeSha256.slice(0, 16)}, ${distNote}, ${seconds.toFixed(0)} s`;
  console.log(line);
  if (bytes > KIT_LIMIT_BYTES) fail(1, `the kit is ${mib} MiB, over the ${KIT_LIMIT_BYTES / 1024 / 1024} MiB limit`);
}
