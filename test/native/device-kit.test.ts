// The device kit (scripts/device-kit, issue 25) never rots: it is built into temporary folders
// (twice: same tree → same bytes), stays under 60 MiB, dry-runs on host-sim with the Node binary
// from the kit (PATH holds no node; nothing of the repository is reachable from the kit), and with
// a bare PATH (only the tools the kit needs, HOME and npm_config_* unset) a device run reaches
// device detection and stops with one clear line. The kits carry build/Release as it is
// (--addon local: never compiled here, see docs/native.md; not a prebuild, which the packing test
// can create in the repository between the two builds).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

import { repoRoot } from '../helpers/vectors.js';

const LIMIT = 60 * 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'vrr-device-kit-test-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

interface Manifest {
  treeSha256: string;
  node: { version: string };
  addon: { kind: string; withCuda: boolean; path: string };
  files: Record<string, string>;
}

function build(out: string) {
  const r = spawnSync(process.execPath, ['scripts/device-kit/build.mjs', '--out', out, '--addon', 'local'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return {
    ...r,
    manifest: r.status === 0 ? (JSON.parse(readFileSync(join(out, 'kit.json'), 'utf8')) as Manifest) : null,
  };
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

// A PATH folder holding only the named tools (symlinks to this machine's own).
function toolDir(name: string, tools: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const tool of tools) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (!found) throw new Error(`${tool} is not installed here`);
    const real =
      tool === 'python3'
        ? spawnSync(found, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim()
        : found;
    symlinkSync(real, join(dir, tool));
  }
  return dir;
}

// No HOME, no npm_config_*, no NODE_PATH / NODE_OPTIONS: only what a bare GPU machine would give.
function bareEnv(path: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: path, TMPDIR: work };
  if (process.env.LANG) env.LANG = process.env.LANG;
  return env;
}

const kitA = join(work, 'kit-a');
const kitB = join(work, 'kit-b');
const a = build(kitA);

t.test('the kit builds, stays under 60 MiB, says what it carries, and its manifest is true', async (t) => {
  t.equal(a.status, 0, a.stderr);
  t.match(a.stdout, /^device-kit: .+ \d+\.\d MiB \(limit 60 MiB\): node v\d+/m, 'prints its size');
  const m = a.manifest!;
  const bytes = files(kitA).reduce((n, f) => n + statSync(join(kitA, f)).size, 0);
  t.ok(bytes <= LIMIT, `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  t.equal(m.node.version, process.version, "this machine's Node");
  t.ok(existsSync(join(kitA, m.addon.path)), `carries ${m.addon.kind} at ${m.addon.path}`);
  t.match(m.addon.kind, /^(local-cuda-build|local-host-build)$/);
  const listed = Object.keys(m.files).sort();
  t.same(
    listed,
    files(kitA).filter((f) => f !== 'kit.json'),
    'kit.json lists every file',
  );
  for (const f of listed)
    t.equal(
      createHash('sha256')
        .update(readFileSync(join(kitA, f)))
        .digest('hex'),
      m.files[f],
      f,
    );
  t.notOk(existsSync(join(kitA, 'package', 'node_modules', 'tap')), 'no dev dependencies');
  t.ok(existsSync(join(kitA, 'package', 'node_modules', 'commander')), 'production dependencies');
});

t.test('the same tree builds the same kit', async (t) => {
  const b = build(kitB);
  t.equal(b.status, 0, b.stderr);
  t.equal(b.manifest?.treeSha256, a.manifest?.treeSha256);
  t.equal(readFileSync(join(kitB, 'kit.json'), 'utf8'), readFileSync(join(kitA, 'kit.json'), 'utf8'));
});

t.test('dry run: the kit runs on host-sim with its own Node and nothing of the repository', async (t) => {
  const python = spawnSync('/bin/sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();
  // Only python3 on PATH exercises the lzma fallback; without python3, xz does the unpacking.
  const path = toolDir('dry-tools', python ? ['python3'] : ['xz', 'mkdir', 'chmod']);
  for (let dir = kitA; dir !== dirname(dir); dir = dirname(dir))
    t.notOk(existsSync(join(dir, 'node_modules')), `no node_modules above the kit (${dir})`);
  t.notOk(kitA.startsWith(repoRoot), 'the kit lies outside the repository');
  const results = join(work, 'results-dry');
  const r = spawnSync('/bin/bash', [join(kitA, 'run.sh'), '--dry-run', '--out', results], {
    cwd: work,
    encoding: 'utf8',
    env: bareEnv(path),
    timeout: 480_000,
  });
  const summary = JSON.parse(readFileSync(join(results, 'summary.json'), 'utf8'));
  t.equal(summary.node.execPath, join(kitA, '.node', 'node'), "the kit's own Node ran it");
  t.equal(summary.node.unpackedWith, python ? 'python3-lzma' : 'xz');
  t.equal(
    summary.facts.doctor.addon.binary.path.startsWith(join(kitA, 'package')),
    true,
    'the addon came from the kit',
  );
  const steps = Object.fromEntries(summary.steps.map((s: { name: string }) => [s.name, s]));
  for (const name of ['equivalence', 'errors', 'policy', 'cli']) {
    t.equal(steps[name]?.status, 'passed', `${name}: ${steps[name]?.detail}`);
    t.ok(existsSync(join(results, 'logs', `${name}.log`)), `${name} has its log`);
  }
  t.match(steps.bench, { status: 'skipped', detail: /^dry run: no usable GPU/ });
  const leaseApi = /\bopenIpcLease\b/.test(readFileSync(join(kitA, 'package', 'dist', 'index.js'), 'utf8'));
  if (leaseApi) {
    t.equal(steps['handoff-node']?.status, 'passed', steps['handoff-node']?.detail);
    t.match(steps['handoff-python']?.status, /^(passed|skipped)$/, steps['handoff-python']?.detail);
  } else {
    t.match(
      steps['handoff-node'],
      { status: 'failed', detail: /^not available in this build/ },
      'reported, not passed',
    );
    t.match(steps['handoff-python'], { status: 'skipped', detail: /lease API is not available/ });
  }
  const failed = summary.steps.filter((s: { status: string }) => s.status === 'failed').length;
  t.equal(r.status, failed ? 1 : 0, r.stdout.trim().split('\n').at(-1) ?? '');
  t.equal(summary.passed, failed === 0);
  t.ok(summary.seconds < 480, 'within the 8-minute budget');
});

t.test(
  'bare PATH, no HOME, no npm_config_*: a device run reaches device detection and stops with one line',
  { skip: existsSync('/proc/driver/nvidia/version') ? 'an NVIDIA driver is loaded here' : false },
  async (t) => {
    const path = toolDir('bare-tools', ['xz', 'mkdir', 'chmod']);
    const results = join(work, 'results-bare');
    const r = spawnSync('/bin/bash', [join(kitB, 'run.sh'), '--out', results], {
      cwd: work,
      encoding: 'utf8',
      env: bareEnv(path),
      timeout: 120_000,
    });
    t.equal(r.status, 2);
    t.equal(r.stderr, '');
    t.equal(r.stdout.trim().split('\n').length, 1, 'one line');
    t.match(
      r.stdout,
      /^device-kit: stopped - no NVIDIA GPU visible here \(no \/proc\/driver\/nvidia\/version and nvidia-smi is not on PATH\); run the kit on a GPU machine, or `run.sh --dry-run`/,
    );
    const summary = JSON.parse(readFileSync(join(results, 'summary.json'), 'utf8'));
    t.match(summary, { mode: 'device', passed: false, stopped: /^no NVIDIA GPU visible/ });
    t.equal(summary.node.unpackedWith, 'xz', 'Node was unpacked with xz from the bare PATH');
  },
);

t.test('without xz and python3 the kit says so in one line', async (t) => {
  const path = toolDir('no-tools', []);
  const kitC = join(work, 'kit-c'); // run.sh and node.xz only: it must stop before needing more
  mkdirSync(kitC);
  copyFileSync(join(kitA, 'run.sh'), join(kitC, 'run.sh'));
  copyFileSync(join(kitA, 'node.xz'), join(kitC, 'node.xz'));
  const r = spawnSync('/bin/bash', [join(kitC, 'run.sh'), '--dry-run'], {
    cwd: work,
    encoding: 'utf8',
    env: bareEnv(path),
  });
  t.equal(r.status, 2);
  t.equal(r.stderr, '');
  t.equal(
    r.stdout,
    "device-kit: stopped - no way to unpack the kit's Node binary: it needs xz (with mkdir and chmod) or python3 on PATH\n",
  );
});
