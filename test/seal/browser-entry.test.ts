// `vram-residency/wasm` must run in a browser: nothing it reaches may import a Node built-in,
// and it alone verifies a record and a byte stream.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { repoRoot, patternBytes, readVectorJson, sealFailure, vectorSources } from '../helpers/vectors.js';
import * as wasmEntry from '../../lib/browser/index.js';

function reachableFiles(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith('.')) {
      seen.add(`external:${spec}`);
      continue;
    }
    reachableFiles(resolve(dirname(entry), spec), seen);
  }
  return seen;
}

t.test('package.json points vram-residency/wasm at the browser entry', async (t) => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  t.equal(pkg.exports['./wasm'].default, './dist/browser/index.js');
});

t.test('the wasm entry reaches no Node built-in or package', async (t) => {
  const entry = join(repoRoot, 'dist', 'browser', 'index.js');
  const files = [...reachableFiles(entry)];
  t.same(
    files.filter((f) => f.startsWith('external:')),
    [],
    'only relative imports',
  );
  t.ok(files.length > 3, `${files.length} modules reached`);
});

for (const source of vectorSources()) {
  t.test(
    `record and byte-stream verification from the wasm entry alone (${source.label})`,
    { skip: source.skip },
    async (t) => {
      const v = readVectorJson(source, 'seal.json');
      for (const good of v.good) {
        const data = patternBytes(good.dataSize);
        t.same(await wasmEntry.verifySealRecord(good.record, { token: v.token }), good.record);
        t.same(await wasmEntry.verifySealedBytes(data, good.record, { token: v.token }), good.record);
        const stream = await wasmEntry.createSealedStreamVerifier(good.record, { token: v.token });
        for (let at = 0; at < data.length; at += 7919) stream.update(data.subarray(at, at + 7919));
        t.same(stream.finish(), good.record, 'streamed in odd chunks');
      }
      for (const c of v.dataCases) {
        const data = patternBytes(c.dataSize);
        if (c.flipByteAt !== undefined) data[c.flipByteAt]! ^= 1;
        await t.rejects(wasmEntry.verifySealedBytes(data, v.good[0].record, { token: v.token }), sealFailure(c.expect));
      }
      await t.rejects(
        wasmEntry.verifySealedBytes(patternBytes(v.contentMismatch.dataSize), v.contentMismatch.record, {
          token: v.token,
        }),
        sealFailure('content mismatch'),
      );
      await t.rejects(
        wasmEntry.createSealedStreamVerifier(v.good[0].record, { token: v.wrongToken.token }),
        sealFailure('wrong key'),
      );
    },
  );
}
