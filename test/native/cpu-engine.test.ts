// The native CPU engine (Node's OpenSSL) against the node:crypto oracle and the SPEC vectors.
import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cpuEngine } from '../../lib/native/index.js';
import { hex, oracleMth } from '../helpers/oracle.js';
import { randomBytes } from '../helpers/random-bytes.js';
import { patternBytes, readVectorJson, vectorSources } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-cpu-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const leafSizeArb = fc.integer({ min: 12, max: 20 }).map((e) => 2 ** e);

interface TreeCase {
  leafSize: number;
  size: number;
  digest: string;
  contentSha256: string;
}

for (const source of vectorSources()) {
  t.test(`tree vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const { cases } = readVectorJson<{ cases: TreeCase[] }>(source, 'tree.json');
    t.ok(cases.length > 0, 'vectors present');
    const biggest = Math.max(...cases.map((c) => c.size));
    const data = patternBytes(biggest);
    const file = join(dir, `pattern-${source.label.replace('/', '-')}`);
    writeFileSync(file, data);
    for (const c of cases) {
      const bytes = data.subarray(0, c.size);
      t.equal(hex(await cpuEngine.mth(bytes, c.leafSize, 2)), c.digest, `mth ${c.size}/${c.leafSize}`);
      const r = await cpuEngine.mthFile(file, { leafSize: c.leafSize, length: c.size, sha256: true, threads: 2 });
      t.equal(hex(r.digest), c.digest, `mthFile ${c.size}/${c.leafSize}`);
      t.equal(r.sha256 && hex(r.sha256), c.contentSha256, `content ${c.size}`);
    }
  });
}

t.test('mth equals the oracle for random sizes, leaf sizes and thread counts', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 * 1024 * 1024 }),
      leafSizeArb,
      fc.integer({ min: 0, max: 5 }),
      fc.integer(),
      async (size, leafSize, threads, seed) => {
        const data = randomBytes(size, seed);
        return hex(await cpuEngine.mth(data, leafSize, threads)) === hex(oracleMth(data, leafSize));
      },
    ),
    { numRuns: 40 },
  );
  t.pass('40 random inputs');
});

t.test('mth of a view into a larger buffer hashes only the view', async (t) => {
  const backing = randomBytes(100_000, 7);
  const view = backing.subarray(333, 90_000);
  t.equal(hex(await cpuEngine.mth(view, 4096)), hex(oracleMth(view, 4096)));
});

t.test('mthFile over random ranges equals the oracle over those bytes', async (t) => {
  const data = randomBytes(2 * 1024 * 1024 + 77, 99);
  const file = join(dir, 'random.bin');
  writeFileSync(file, data);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: data.length - 1 }),
      fc.integer({ min: 1, max: data.length }),
      leafSizeArb,
      fc.integer({ min: 1, max: 4 }),
      async (offset, wanted, leafSize, threads) => {
        const length = Math.min(wanted, data.length - offset);
        const bytes = data.subarray(offset, offset + length);
        const r = await cpuEngine.mthFile(file, { leafSize, offset, length, threads, sha256: true });
        return (
          r.size === length &&
          hex(r.digest) === hex(oracleMth(bytes, leafSize)) &&
          r.sha256 !== null &&
          hex(r.sha256) === createHash('sha256').update(bytes).digest('hex')
        );
      },
    ),
    { numRuns: 30 },
  );
  const whole = await cpuEngine.mthFile(file, { leafSize: 65536 });
  t.equal(whole.size, data.length, 'whole file by default');
  t.equal(whole.sha256, null, 'no content hash unless asked');
  t.equal(hex(whole.digest), hex(oracleMth(data, 65536)));
});

t.test('sha256 equals node:crypto', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 10_000 }), async (data) => {
      return hex(await cpuEngine.sha256(data)) === createHash('sha256').update(data).digest('hex');
    }),
    { numRuns: 100 },
  );
  t.pass('100 random inputs');
});

t.test('bad arguments and files are typed errors', async (t) => {
  await t.rejects(cpuEngine.mth(new Uint8Array(10), 1000), { code: 'E_ARG' });
  await t.rejects(cpuEngine.mth('x' as unknown as Uint8Array, 4096), { code: 'E_ARG' });
  await t.rejects(cpuEngine.mthFile(join(dir, 'missing'), { leafSize: 4096 }), { code: 'E_IO' });
  await t.rejects(cpuEngine.mthFile(dir, { leafSize: 4096 }), { code: 'E_IO' });
  const file = join(dir, 'small.bin');
  writeFileSync(file, new Uint8Array(100));
  await t.rejects(cpuEngine.mthFile(file, { leafSize: 4096, offset: 50, length: 51 }), { code: 'E_BOUNDS' });
  await t.rejects(cpuEngine.mthFile(file, { leafSize: 4096, offset: 101 }), { code: 'E_BOUNDS' });
});
