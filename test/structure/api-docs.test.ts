// The API reference is generated from the doc comments (npm run docs:api, typedoc.json). Here
// TypeDoc runs over the three package entry points with --treatWarningsAsErrors and writes
// nothing: an exported class, function or method without a doc comment, a public signature that
// names a type the package does not export, or a broken {@link} fails this test.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';

t.test('TypeDoc builds the API reference without a warning', async (t) => {
  const typedoc = join(repoRoot, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const r = spawnSync(process.execPath, [typedoc, '--emit', 'none', '--treatWarningsAsErrors', '--logLevel', 'Warn'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 300_000,
  });
  const output = `${r.stdout}${r.stderr}`.trim();
  t.equal(r.status, 0, output || 'typedoc exited 0');
});

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
