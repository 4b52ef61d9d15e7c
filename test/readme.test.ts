// The README's embedding example must compile against the package as published (its exports map
// and dist types), so the first thing a newcomer copies cannot drift from the API.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers/vectors.js';

t.test('the embedding example type-checks against vram-residency', async (t) => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const example = /## Embedding it in a worker[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  t.ok(example, 'the README has the example');
  t.match(example!, /from 'vram-residency'/);
  const dir = join(repoRoot, '.tap', 'readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'example.mts');
  writeFileSync(file, example!);
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--strict',
      '--types',
      'node',
      '--skipLibCheck',
      file,
    ],
    { encoding: 'utf8' },
  );
  t.equal(r.stdout + r.stderr, '', 'no type errors');
  t.equal(r.status, 0);
});
