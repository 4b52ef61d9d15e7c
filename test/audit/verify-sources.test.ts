// One verifier, many sources: the core takes lines from any iterable with an injected SHA-256
// (here the WASM module's), imports nothing Node-only, and the directory source reports what
// only a directory can hide: deleted sidecars, empty misnamed segments, stray segment-like files.
import t from 'tap';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  AuditLogger,
  sha256HexFrom,
  verifyAuditLog,
  verifyRecordLines,
  type RecordLine,
} from '../../lib/audit/index.js';
import { loadWasm } from '../../lib/wasm/index.js';
import { localVectorsDir, repoRoot } from '../helpers/vectors.js';
import { freshDir, quietLog, verifiedEvent } from './helpers.js';

const intactDir = join(localVectorsDir, 'audit-intact');
const segmentNames = ['audit-000000000000.jsonl', 'audit-000000000004.jsonl'];

function linesOf(dir: string): RecordLine[] {
  return segmentNames.flatMap((source) =>
    readFileSync(join(dir, source), 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((text, i) => ({ source, line: i + 1, text })),
  );
}

t.test('the core verifies lines from a plain iterable with the WASM SHA-256', async (t) => {
  const wasm = await loadWasm();
  const sha256Hex = sha256HexFrom((b) => wasm.sha256(b));
  const ok = await verifyRecordLines(linesOf(intactDir), { sha256Hex });
  t.match(ok, { intact: true, records: 7 });
  const lines = linesOf(intactDir);
  lines[5] = { ...lines[5]!, text: (lines[5]!.text as string).replace('tab and', 'tab, and') };
  const bad = await verifyRecordLines(lines, { sha256Hex });
  t.match(bad.firstError, { file: 'audit-000000000004.jsonl', line: 2, reason: 'hash mismatch' });
  const dup = linesOf(intactDir);
  const asBytes = dup.map((l) => ({ ...l, text: new TextEncoder().encode(l.text as string) }));
  t.match(await verifyRecordLines(asBytes, { sha256Hex }), { intact: true, records: 7 }, 'bytes are decoded as UTF-8');
});

t.test('the verifier core imports nothing Node-only (it runs in browsers)', async (t) => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      t.notOk(spec.startsWith('node:') || !spec.startsWith('.'), `${file.slice(repoRoot.length + 1)} imports ${spec}`);
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  };
  visit(join(repoRoot, 'lib', 'audit', 'verify', 'chain-verifier.ts'));
  t.ok(seen.size > 5, `walked ${seen.size} files`);
});

function copyIntact(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'vr-sources-')), 'log');
  cpSync(intactDir, dir, { recursive: true });
  return dir;
}

/** Close the newest vector segment as a rotating writer would: with its sidecar. */
function closeNewest(dir: string): void {
  const name = 'audit-000000000004.jsonl';
  const sha = createHash('sha256')
    .update(readFileSync(join(dir, name)))
    .digest('hex');
  writeFileSync(join(dir, `${name}.sha256`), `${sha}  ${name}\n`);
}

t.test('a deleted sidecar of a closed segment is reported (issue 10 #12)', async (t) => {
  const dir = copyIntact();
  unlinkSync(join(dir, 'audit-000000000000.jsonl.sha256'));
  t.match(await verifyAuditLog(dir), {
    intact: false,
    firstError: { file: 'audit-000000000000.jsonl.sha256', reason: 'missing sidecar' },
  });
});

t.test('an empty misnamed segment added after the log is reported (issue 10 #12)', async (t) => {
  const dir = copyIntact();
  closeNewest(dir);
  writeFileSync(join(dir, 'audit-000000000042.jsonl'), '');
  t.match(await verifyAuditLog(dir), {
    intact: false,
    firstError: { file: 'audit-000000000042.jsonl', line: 1, reason: 'segment name mismatch' },
  });
  // Correctly named, an empty newest segment is what a writer leaves right after rotating.
  const ok = copyIntact();
  closeNewest(ok);
  writeFileSync(join(ok, 'audit-000000000007.jsonl'), '');
  const v = await verifyAuditLog(ok);
  t.match(v, { intact: true, records: 7, segments: 3 }, v.summary);
});

t.test('files named like segments but not one, and sidecars of no segment, are reported', async (t) => {
  const dir = copyIntact();
  writeFileSync(join(dir, 'audit-00000000009.jsonl'), readFileSync(join(dir, 'audit-000000000004.jsonl')));
  t.match(await verifyAuditLog(dir), {
    intact: false,
    firstError: { file: 'audit-00000000009.jsonl', reason: 'unexpected file' },
  });
  const orphan = copyIntact();
  writeFileSync(join(orphan, 'audit-000000000009.jsonl.sha256'), `${'0'.repeat(64)}  audit-000000000009.jsonl\n`);
  t.match(await verifyAuditLog(orphan), {
    intact: false,
    firstError: { reason: 'unexpected file', detail: /sidecar of no segment/ },
  });
});

t.test('a log written and closed by the logger still verifies with its sidecars and lock gone', async (t) => {
  const dir = freshDir(t);
  const log = AuditLogger.open({ dir, service: 'svc', rotateBytes: 1200, operationalLog: quietLog });
  for (let i = 0; i < 20; i++) log.emit(verifiedEvent(i));
  await log.close();
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
  t.ok(v.segments > 2);
  t.ok(
    readdirSync(dir).filter((n) => n.endsWith('.sha256')).length === v.segments,
    'every segment has a sidecar after close',
  );
});

t.test('a directory that is not an audit log is refused, not called intact with 0 records', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'vr-not-a-log-'));
  writeFileSync(join(empty, 'README'), 'not a log\n');
  await t.rejects(verifyAuditLog(empty), { code: 'E_ARG', message: /holds no audit segments.*not an audit log/ });
  await t.rejects(verifyAuditLog(join(empty, 'README')), { code: 'E_ARG', message: /is not a directory/ });
  await t.rejects(verifyAuditLog(join(empty, 'missing')), { code: 'E_ARG', message: /ENOENT: no such directory/ });
  await t.rejects(verifyAuditLog(42 as unknown as string), { code: 'E_ARG' });
});
