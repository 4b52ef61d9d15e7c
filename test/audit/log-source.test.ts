// One reading of a log for every source: the same files given as a directory and as an in-memory
// source (as the page gives dropped files) yield the very same verifier items, problems and
// messages included, for an intact log and for each directory-level fault.
import t from 'tap';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLayout } from '../../lib/audit/format/log-layout.js';
import { directoryRecordLines } from '../../lib/audit/index.js';
import type { VerifyItem } from '../../lib/audit/verify/chain-verifier.js';
import { logSourceItems, splitLines, type LogSource } from '../../lib/audit/verify/log-source.js';
import { localVectorsDir } from '../helpers/vectors.js';

function memorySource(files: Map<string, Uint8Array>): LogSource {
  return {
    names: files.keys(),
    segment: (name) => ({
      lines: splitLines(files.get(name)!),
      sha256Hex: () => createHash('sha256').update(files.get(name)!).digest('hex'),
    }),
    text: (name) => new TextDecoder().decode(files.get(name)!),
  };
}

async function collect(items: AsyncIterable<VerifyItem>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of items) {
    out.push('text' in item ? { ...item, text: Buffer.from(item.text as Uint8Array).toString('utf8') } : item);
  }
  return out;
}

const faults: Record<string, (dir: string) => void> = {
  intact: () => {},
  'a deleted sidecar': (dir) => unlinkSync(join(dir, 'audit-000000000000.jsonl.sha256')),
  'a sidecar of no segment': (dir) => writeFileSync(join(dir, 'audit-000000000009.jsonl.sha256'), 'x'),
  'a misnamed segment': (dir) => writeFileSync(join(dir, 'audit-00000000009.jsonl'), '{}\n'),
  'a changed sidecar': (dir) => writeFileSync(join(dir, 'audit-000000000000.jsonl.sha256'), `${'0'.repeat(64)}  x\n`),
  'an empty closed segment': (dir) => {
    writeFileSync(join(dir, 'audit-000000000007.jsonl'), '');
    writeFileSync(join(dir, 'audit-000000000007.jsonl.sha256'), 'x');
  },
  'a torn last line and a stray lock': (dir) => {
    writeFileSync(join(dir, 'audit-000000000004.jsonl'), '{"v":1', { flag: 'a' });
    writeFileSync(join(dir, 'audit.lock'), 'x');
  },
};

for (const [name, fault] of Object.entries(faults)) {
  t.test(`${name}: a directory and an in-memory source give the same items`, async (t) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vr-log-source-')), 'log');
    cpSync(join(localVectorsDir, 'audit-intact'), dir, { recursive: true });
    fault(dir);
    const files = new Map(readdirSync(dir).map((n) => [n, new Uint8Array(readFileSync(join(dir, n)))]));
    const fromDir = await collect(directoryRecordLines(dir));
    const fromMemory = await collect(logSourceItems(memorySource(files)));
    t.same(fromMemory, fromDir);
    t.ok(fromDir.length >= 7, `${fromDir.length} items`);
    if (name !== 'intact')
      t.ok(fromDir.some((i) => 'problem' in (i as object)) || name.startsWith('a torn'), 'a problem item');
  });
}

t.test('the layout sorts names into segments, stray and ignored', async (t) => {
  const layout = logLayout([
    'audit-000000000004.jsonl',
    'audit-000000000000.jsonl',
    'audit-000000000000.jsonl.sha256',
    'audit-000000000009.jsonl.sha256',
    'audit-1.jsonl',
    'audit-000000000004.jsonl.sha256.tmp',
    'audit.lock',
    'README',
  ]);
  t.same(layout.segments, [
    { name: 'audit-000000000000.jsonl', firstSeq: 0, hasSidecar: true },
    { name: 'audit-000000000004.jsonl', firstSeq: 4, hasSidecar: false },
  ]);
  t.same(
    layout.stray.map((s) => s.name),
    ['audit-000000000009.jsonl.sha256', 'audit-1.jsonl'],
  );
  t.same(layout.ignored, ['README', 'audit-000000000004.jsonl.sha256.tmp', 'audit.lock']);
});
