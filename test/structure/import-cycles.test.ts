// lib/ has no import cycle: every relative import (static, re-export or dynamic) of every source
// file is followed, and a cycle fails with its path. Type-only imports count too: a cycle of
// types is still a knot for whoever reads the code.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';

const libDir = join(repoRoot, 'lib');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"](\.[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2] ?? m[3])!;
      deps.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
    graph.set(file, deps);
  }
  return graph;
}

/** The first cycle found (as a path of files), or null. */
export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const dep of graph.get(node) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

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
