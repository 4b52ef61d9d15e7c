// The copies under test/vectors must stay byte-identical to ../shared/vectors (when present),
// so the standalone project never tests against stale vectors.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localVectorsDir, sharedVectorsDir, vectorSources } from './helpers/vectors.js';

function listFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(root, p));
    else out.push(relative(root, p));
  }
  return out.sort();
}

const shared = vectorSources()[0]!;
t.test('test/vectors is a faithful copy of shared/vectors', { skip: shared.skip }, async (t) => {
  const sharedFiles = listFiles(sharedVectorsDir);
  t.same(listFiles(localVectorsDir), sharedFiles, 'same file list');
  for (const f of sharedFiles) {
    t.ok(readFileSync(join(sharedVectorsDir, f)).equals(readFileSync(join(localVectorsDir, f))), `${f} identical`);
  }
});

t.test('the local copy holds every vector file the tests need', async (t) => {
  for (const f of ['tree.json', 'seal.json', 'audit.json', 'audit-intact/audit-000000000000.jsonl']) {
    t.ok(statSync(join(localVectorsDir, f)).size > 0, f);
  }
});
