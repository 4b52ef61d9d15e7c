// The API reference is generated from the doc comments (npm run docs:api, typedoc.json). Here
// TypeDoc runs over the three package entry points with --treatWarningsAsErrors and writes
// nothing: an exported class, function or method without a doc comment, a public signature that
// names a type the package does not export, or a broken {@link} fails this test.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';

t.test('TypeDoc builds the API reference without a warning', async (t) => {
  const modelPath = join(mkdtempSync(join(tmpdir(), 'vrr-typedoc-')), 'api.json');
  const typedoc = join(repoRoot, 'node_modules', 'typedoc', 'bin', 'typedoc');
  // --json alone replaces the configured HTML output: the model is then checked below.
  const r = spawnSync(
    process.execPath,
    [typedoc, '--json', modelPath, '--treatWarningsAsErrors', '--logLevel', 'Warn'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 300_000,
    },
  );
  const output = `${r.stdout}${r.stderr}`.trim();
  t.equal(r.status, 0, output || 'typedoc exited 0');
  if (r.status !== 0) return;
  const project = JSON.parse(readFileSync(modelPath, 'utf8')) as Reflection;
  t.match(project.readme ?? [], [{ text: /^# vram-residency/ }], 'the README is the index page');
  const root = project.children!.find((m) => m.name === 'vram-residency')!;
  const wasm = project.children!.find((m) => m.name === 'vram-residency/wasm')!;
  const CLASS = 128;
  const classes = (m: Reflection) => new Set(m.children!.filter((c) => c.kind === CLASS).map((c) => c.name));
  t.ok(
    classes(root).has('SealVerificationError') && classes(root).has('VramResidencyError'),
    'errors under vram-residency',
  );
  t.notOk(classes(wasm).has('SealVerificationError'), 'and not filed under vram-residency/wasm');
  const manager = root.children!.find((c) => c.name === 'VramManager')!;
  t.equal(manager.children![0]!.name, 'open', 'VramManager.open comes first');
  t.notOk(
    manager.children!.some((c) => c.name === 'injectFaultForTesting'),
    'test-only members are internal',
  );
  const options = root.children!.find((c) => c.name === 'VramManagerOptions')!;
  t.same(
    options.children!.filter((c) => !c.comment).map((c) => c.name),
    [],
    'every VramManagerOptions member has a description',
  );
});

interface Reflection {
  name: string;
  kind: number;
  comment?: unknown;
  readme?: { text: string }[];
  children?: Reflection[];
}

t.test('npm run docs:api writes no colour codes into a pipe', async (t) => {
  // An unknown option makes TypeDoc say "[error] …" at once: the line TypeDoc would colour.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'docs-api.mjs'), '--notAnOption'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  const output = `${r.stdout}${r.stderr}`;
  t.match(output, /\[error\]/, 'TypeDoc said something');
  t.notMatch(output, /\x1b\[/, 'without ANSI codes');
});
