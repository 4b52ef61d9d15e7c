// The package as npm users get it: `npm pack`, installed into an empty project (offline, from the
// npm cache the repository's own install filled), then the README's user-facing commands run from
// there with `npx`. Also: what the tarball holds (docs the README links to, no source maps) and
// that its size is the one the README states.
import t from 'tap';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findNatsServer, NatsServer } from '../fleet/nats-server.mjs';
import { randomBytes } from '../helpers/random-bytes.js';
import { repoRoot } from '../helpers/vectors.js';

const TOKEN = 'readme-user-token-0123456789abcdef';
const work = mkdtempSync(join(tmpdir(), 'vrr-pack-'));
const app = join(work, 'app');
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

function run(cmd: string, args: string[], cwd: string, timeoutMs = 180_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, VRAM_RESIDENCY_TOKEN: TOKEN, NO_COLOR: '1', npm_config_update_notifier: 'false' },
  });
}

/** The README's `npx vram-residency …` commands: the subcommand (two words for audit). */
function readmeCommands(): Set<string> {
  const out = new Set<string>();
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g))
    for (const m of block[1]!.matchAll(/^npx vram-residency (audit \S+|\S+)/gm)) out.add(m[1]!);
  return out;
}

interface PackedFile {
  path: string;
  size: number;
}

t.test('pack, install into an empty project, and run the README from there', async (t) => {
  // --ignore-scripts: no prepack (the CUDA prebuild needs nvcc) and no rebuild; dist/ is built by pretest.
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], repoRoot);
  t.equal(pack.status, 0, pack.stderr);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; size: number; files: PackedFile[] }[];
  const paths = packed!.files.map((f) => f.path);
  const tarball = join(work, packed!.filename);

  t.test('what the tarball holds', async (t) => {
    t.same(
      paths.filter((p) => p.endsWith('.js.map') || p.endsWith('.d.ts.map')),
      [],
      'no source maps (their sources are not shipped)',
    );
    const linked = [...readme.matchAll(/\]\(((?:docs\/[^)#]+)|CHANGELOG\.md)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    t.ok(linked.length > 5, 'the README links to the docs');
    t.same(
      [...new Set(linked)].filter((p) => !paths.includes(p)),
      [],
      'every docs/ page the README links to is in the package',
    );
    t.ok(paths.includes('dist/verifier.html'), 'the verifier page');
    t.notOk(
      paths.some((p) => p.startsWith('docs/api/')),
      'not the generated API reference',
    );
    // The README: "about A MB, B MB of it the CUDA prebuild; C MB without it".
    const m = /`npm pack`: about ([\d.]+) MB, ([\d.]+) MB of it the CUDA prebuild; ([\d.]+) MB without it/.exec(readme);
    t.ok(m, 'the README states the size');
    const withPrebuild = paths.some((p) => p.startsWith('prebuilds/'));
    const stated = Number(withPrebuild ? m![1] : m![3]) * 1e6;
    const actual = packed!.size;
    t.ok(
      Math.abs(actual - stated) <= 0.15 * stated,
      `packed ${(actual / 1e6).toFixed(2)} MB ${withPrebuild ? 'with' : 'without'} the prebuild; the README says ${stated / 1e6} MB`,
    );
  });

  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const installed = join(app, 'node_modules', 'vram-residency');
  // Offline, from the npm cache the repository's own `npm install` filled: no network needed.
  const install = run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], app);
  t.equal(install.status, 0, `npm install --offline of the tarball: ${install.stderr}`);
  t.notMatch(install.stderr, /EBADENGINE/, 'no dependency asks for a newer Node than engines says');
  if (install.status !== 0) return;
  if (!paths.some((p) => p.startsWith('prebuilds/'))) {
    // No CUDA prebuild in this pack (it needs nvcc): put the addon where the install script's
    // source build would (build/Release), as `npm install` without --ignore-scripts makes it.
    const built = join(repoRoot, 'build', 'Release', 'vram_residency.node');
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
    copyFileSync(built, join(installed, 'build', 'Release', 'vram_residency.node'));
    t.comment('no prebuild packed: the addon built here stands in for the install-time build');
  }

  const ran = new Set<string>();
  const npx = (args: string[], expectStatus = 0) => {
    const r = run('npx', ['vram-residency', ...args], app);
    ran.add(args[0] === 'audit' ? `audit ${args[1]}` : args[0]!);
    t.equal(r.status, expectStatus, `npx vram-residency ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  // "## Install"
  const doctor = npx(['doctor']);
  t.match(doctor.stdout, /verdict: /);
  t.match(doctor.stdout, /binary: .*vram_residency/, 'doctor says which binary loaded');
  t.match(npx(['demo', '--size', '8MiB']).stdout, /verify the file offline \(WASM\)/);
  t.notMatch(npx(['--help']).stdout, /\bbench\b/, 'bench is not listed where the suite is not installed');

  // "## Verifying offline" and "## Trust without the token", on a small model.
  writeFileSync(join(app, 'model.safetensors'), randomBytes(3 << 20, 2));
  npx(['keygen', '--out', 'worker-7']);
  npx([
    'seal',
    'model.safetensors',
    '--sign-key',
    'worker-7.key',
    '--bundle-out',
    'model.bundle.json',
    '--simulate',
    '--audit-dir',
    'audit',
  ]);
  npx(['verify', 'model.safetensors', '--seal', 'model.safetensors.seal.json', '--engine', 'wasm']);
  npx(['verify', 'model.safetensors', '--bundle', 'model.bundle.json', '--pubkey', 'worker-7.pub']);
  t.match(npx(['digest', 'model.safetensors', '--sha256']).stdout, /[0-9a-f]{64}/);
  npx(['audit', 'verify', 'audit']);
  const llama = join(app, 'llama-3-8b');
  mkdirSync(llama);
  writeFileSync(join(llama, 'model-00001-of-00002.safetensors'), randomBytes(1 << 20, 3));
  writeFileSync(join(llama, 'config.json'), '{"layers":2}');
  npx(['keygen', '--out', 'publisher', '--alg', 'p256']);
  npx(['sign-model', './llama-3-8b', '--key', 'publisher.key']);
  npx(['verify-model', './llama-3-8b', '--pubkey', 'publisher.pub']);
  npx([
    'seal',
    './llama-3-8b',
    '--model-sig',
    './llama-3-8b/model.sig',
    '--model-pubkey',
    'publisher.pub',
    '--sign-key',
    'worker-7.key',
    '--out',
    './seals',
    '--simulate',
    '--audit-dir',
    'audit',
  ]);
  t.ok(readdirSync(join(app, 'seals')).length >= 2, 'a record per file');
  // "### The verifier page"
  npx(['verifier', '--out', 'verifier.html']);
  t.ok(existsSync(join(app, 'verifier.html')));

  // "## Shipping audit logs to the fleet", when a nats-server is here.
  if (findNatsServer()) {
    const server = await NatsServer.start();
    t.teardown(() => server.stop());
    npx(['audit', 'ship', 'audit', '--nats', server.url, '--once']);
    npx(['audit', 'verify', '--nats', server.url]);
  } else t.comment('no nats-server: audit ship / verify --nats not run');

  // "## Proofs and witnesses": a worker's log with v2 checkpoints (written through the installed
  // package), a proof of one record, its offline check, tiles, and a witness that starts and stops.
  const wrote = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { readFileSync } from 'node:fs'; const { AuditLogger } = await import('vram-residency'); const log = AuditLogger.open({ dir: 'w7-audit', service: 'worker-7', checkpoints: { privateKey: readFileSync('worker-7.key', 'utf8'), everySeconds: 3600 } }); for (let i = 0; i < 5; i++) log.emit({ type: 'seal.verified', data: { timestamp: new Date().toISOString(), shard_id: 's' + i, worker_id: 'worker-7' } }); await log.close();",
    ],
    app,
  );
  t.equal(wrote.status, 0, `a log with v2 checkpoints: ${wrote.stderr}`);
  npx(['audit', 'prove', 'w7-audit', '--seq', '3', '--out', 'seal-3.tlog-proof']);
  t.match(npx(['audit', 'verify-proof', 'seal-3.tlog-proof', '--pubkey', 'worker-7.pub']).stdout, /seal\.verified/);
  npx(['audit', 'tiles', 'w7-audit', '--out', 'tiles']);
  t.ok(existsSync(join(app, 'tiles', 'checkpoint')), 'the tiles checkpoint');
  npx(['keygen', '--out', 'w1']);
  // The installed binary itself, as a service manager starts it (npx does not pass SIGTERM on).
  const witness = spawn(
    join(app, 'node_modules', '.bin', 'vram-residency'),
    [
      'witness',
      '--listen',
      '127.0.0.1:0',
      '--key',
      'w1.key',
      '--name',
      'witness.example/w1',
      '--log',
      'vram-residency.audit.v2/worker-7=worker-7.pub',
      '--state',
      'witness-state.jsonl',
      '--json',
    ],
    { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const listening = await new Promise<string>((resolve) =>
    createInterface({ input: witness.stdout! }).once('line', resolve),
  );
  t.match(JSON.parse(listening), { event: 'listening', verifierKey: /^witness\.example\/w1\+/ }, 'the witness listens');
  ran.add('witness');
  witness.kill('SIGTERM');
  await new Promise((r) => witness.once('exit', r));

  // The entry points load from the installed package.
  const imports = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const m = await import('vram-residency'); const w = await import('vram-residency/wasm'); await import('vram-residency/fleet'); console.log(typeof m.VramManager.open, typeof w.createSealedStreamVerifier);",
    ],
    app,
  );
  t.equal(imports.stdout.trim(), 'function function', imports.stderr);

  const missing = [...readmeCommands()].filter((c) => !ran.has(c) && !(c.startsWith('audit ') && !findNatsServer()));
  t.same(missing, [], 'every command the README shows with npx was run from the installed package');
  t.ok(pkg.files.includes('docs/*.md'));
  t.ok(existsSync(join(installed, 'docs', 'formats.md')) && existsSync(dirname(installed)));
});
