// lib/ has no import cycle: every relative import (static, re-export or dynamic) of every source
// file is followed, and a cycle fails with its path. Type-only imports count too: a cycle of
// types is still a knot for whoever reads the code.
import t from 'tap';
import { join, relative } from 'node:path';
import { findCycle, importGraph, sourceFiles } from '../helpers/import-graph.js';
import { repoRoot } from '../helpers/vectors.js';

const libDir = join(repoRoot, 'lib');

t.test('the cycle finder finds a cycle and accepts a tree', async (t) => {
  t.same(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
      ]),
    ),
    ['a', 'b', 'c', 'a'],
  );
  t.equal(
    findCycle(
      new Map([
        ['a', ['b', 'c']],
        ['b', ['c']],
        ['c', []],
      ]),
    ),
    null,
  );
});

t.test('every relative import of lib/ resolves to a source file', async (t) => {
  const files = sourceFiles(libDir);
  const known = new Set(files);
  const missing = [...importGraph(files)].flatMap(([file, deps]) =>
    deps.filter((d) => !known.has(d)).map((d) => `${relative(libDir, file)} -> ${relative(libDir, d)}`),
  );
  t.same(missing, [], 'the walk sees every import (so the cycle check below is complete)');
  t.ok(files.length > 50, `${files.length} source files`);
});

t.test('lib/ has no import cycle', async (t) => {
  const cycle = findCycle(importGraph(sourceFiles(libDir)));
  t.equal(cycle?.map((f) => relative(libDir, f)).join(' -> ') ?? null, null, 'no cycle');
});
