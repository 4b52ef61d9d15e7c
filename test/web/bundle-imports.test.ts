// The page is built from lib sources and reaches nothing Node-only: its two bundles (the page and
// the digest worker) are bundled here as the build does, but with every Node built-in left
// external instead of stubbed, and esbuild's metafile lists what each bundled file imports. Any
// `node:` (or bare built-in) import reachable from web/ fails, naming the file; so does any import
// of dist/ (the page must not depend on a fresh build).
import t from 'tap';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../helpers/vectors.js';

const NODE_BUILTIN = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

async function importsOf(entry: string): Promise<{ from: string; path: string }[]> {
  const result = await build({
    entryPoints: [join(repoRoot, 'web', entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: 'iife',
    platform: 'browser',
    external: [...NODE_BUILTIN],
    logLevel: 'silent',
  });
  return Object.entries(result.metafile.inputs).flatMap(([from, input]) =>
    input.imports.map((i) => ({ from, path: i.original ?? i.path })),
  );
}

for (const entry of ['main.ts', 'digest-worker.ts']) {
  t.test(`web/${entry}: the bundle imports no Node built-in and nothing from dist/`, async (t) => {
    const imports = await importsOf(entry);
    t.ok(imports.length > 3, `${imports.length} imports walked`);
    const node = imports.filter((i) => NODE_BUILTIN.has(i.path) || i.path.startsWith('node:'));
    t.same(
      node.map((i) => `${i.from} imports ${i.path}`),
      [],
      'no node: import',
    );
    const dist = imports.filter((i) => relative(repoRoot, join(repoRoot, i.from)).startsWith('dist'));
    t.same(
      dist.map((i) => i.from),
      [],
      'nothing from dist/',
    );
  });
}

t.test('the check sees a node: import when one is reachable', async (t) => {
  const result = await build({
    stdin: { contents: "import { readFileSync } from 'node:fs'; console.log(readFileSync);", resolveDir: repoRoot },
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    external: [...NODE_BUILTIN],
    logLevel: 'silent',
  });
  const paths = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.original ?? x.path));
  t.ok(
    paths.some((p) => NODE_BUILTIN.has(p)),
    'a planted node:fs import is listed',
  );
});
