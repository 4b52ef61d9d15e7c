// Properties over random logs: what goes in comes back out, and any single-byte change, line
// deletion, line swap, truncation or segment removal is reported at the right file:line.
import t from 'tap';
import fc from 'fast-check';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, queryAuditLogAll, verifyAuditLog, type AuditEvent } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import type { SegmentEntry } from '../../lib/audit/format/log-layout.js';
import { freshDir, quietLog } from './helpers.js';

const ts = '2026-11-23T19:01:45.100Z';
// Text without the characters validation refuses (controls but TAB/LF/CR, bidi, lone surrogates).
const text = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('a', 'Z', ' ', '\t', '\n', '"', '\\', 'ü', '€', '😀', '/', '{'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 40,
  })
  .filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(s));
const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/);
const count = fc.nat({ max: 2 ** 53 - 1 });

const eventArb: fc.Arbitrary<AuditEvent> = fc.oneof(
  fc
    .record({
      timestamp: fc.constant(ts),
      requested_bytes: count,
      allocated_bytes: count,
      available_bytes: count,
      used_bytes: count,
      gpu_device: fc.nat(7),
      worker_id: id,
    })
    .map((data) => ({ type: 'vram.allocated', data })),
  fc
    .record({ timestamp: fc.constant(ts), shard_id: id, worker_id: id })
    .map((data) => ({ type: 'seal.verified', data })),
  fc
    .record({
      timestamp: fc.constant(ts),
      shard_id: id,
      reason: text,
      expected_digest: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/)),
      actual_digest: fc.constant(null),
      worker_id: id,
      severity: fc.constant('critical'),
    })
    .map((data) => ({ type: 'seal.verification_failed', data })),
  fc
    .record({
      note: text,
      n: fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }),
      flag: fc.boolean(),
      list: fc.array(fc.oneof(text, fc.integer(), fc.constant(null)), { maxLength: 4 }),
      nested: fc.record({ deep_value: text }),
    })
    .map((data) => ({ type: 'app.custom_event', data, severity: 'warning' as const })),
);

t.test('random event sequences round-trip through disk', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(eventArb, { minLength: 1, maxLength: 30 }),
      fc.constantFrom('immediate', 'batched', 'hybrid'),
      fc.integer({ min: 600, max: 5000 }),
      async (events, mode, rotateBytes) => {
        const dir = freshDir(t);
        const flush = mode === 'immediate' ? { mode } : { mode, maxEvents: 4, maxDelayMs: 1 };
        const log = AuditLogger.open({ dir, service: 'svc', flush, rotateBytes, operationalLog: quietLog });
        for (const e of events) log.emit(e);
        await log.close();
        const v = await verifyAuditLog(dir);
        if (!v.intact) throw new Error(v.summary);
        const back = (await queryAuditLogAll(dir)).filter((r) => !r.type.startsWith('audit.'));
        const strip = (d: Record<string, unknown>) => JSON.parse(JSON.stringify(d));
        t.same(
          back.map((r) => ({ type: r.type, data: r.data })),
          events.map((e) => ({ type: e.type, data: strip(e.data) })),
        );
        rmSync(dir, { recursive: true });
      },
    ),
    { numRuns: 25 },
  );
});

// ---- tamper detection ----------------------------------------------------------------------

const base = mkdtempSync(join(tmpdir(), 'vr-audit-base-'));
const baseDir = join(base, 'log');
let segs: SegmentEntry[] = [];
let head: { seq: number; hash: string } | null = null;

t.before(async () => {
  const log = AuditLogger.open({
    dir: baseDir,
    service: 'svc',
    rotateBytes: 2500,
    flush: { mode: 'batched', maxEvents: 5, maxDelayMs: 1 },
    operationalLog: quietLog,
  });
  const sample = fc.sample(eventArb, { numRuns: 40, seed: 42 });
  for (const e of sample) log.emit(e);
  await log.close();
  segs = listSegments(baseDir);
  const v = await verifyAuditLog(baseDir);
  if (!v.intact || segs.length < 4) throw new Error(`fixture: ${v.summary}, ${segs.length} segments`);
  head = v.head;
});
t.teardown(() => rmSync(base, { recursive: true, force: true }));

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vr-audit-mut-'));
  cpSync(baseDir, dir, { recursive: true });
  return dir;
}

function lines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    out.push(buf.subarray(start, i + 1));
    start = i + 1;
  }
  return out;
}

interface Expected {
  file: string;
  line: number;
  reason?: string;
}

async function expectDetected(dir: string, expected: Expected) {
  const v = await verifyAuditLog(dir, { anchor: head! });
  rmSync(dir, { recursive: true });
  if (v.intact) throw new Error('mutation not detected');
  const e = v.firstError!;
  if (e.file !== expected.file || e.line !== expected.line || (expected.reason && e.reason !== expected.reason))
    throw new Error(
      `expected ${expected.file}:${expected.line} ${expected.reason ?? ''}, got ${e.file}:${e.line} ${e.reason} (${e.detail})`,
    );
}

const segIndex = () => fc.nat({ max: 1000 }).map((n) => n % segs.length);

t.test('any single-byte change is reported at its line', async () => {
  await fc.assert(
    fc.asyncProperty(segIndex(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (si, pos, delta) => {
      const seg = segs[si]!;
      const dir = copy();
      const path = join(dir, seg.name);
      const buf = readFileSync(path);
      const at = pos % buf.length;
      buf[at] = (buf[at]! + delta) & 0xff;
      writeFileSync(path, buf);
      let line = 1;
      for (let i = 0; i < at; i++) if (buf[i] === 0x0a) line++;
      await expectDetected(dir, { file: seg.name, line });
    }),
    { numRuns: 200 },
  );
});

t.test('any line deletion or swap of neighbours is reported at its line', async () => {
  await fc.assert(
    fc.asyncProperty(segIndex(), fc.nat(), fc.boolean(), async (si, pick, swap) => {
      const seg = segs[si]!;
      const dir = copy();
      const path = join(dir, seg.name);
      const ls = lines(readFileSync(path));
      if (swap && ls.length < 2) return rmSync(dir, { recursive: true });
      const k = swap ? pick % (ls.length - 1) : pick % ls.length; // 0-based
      if (swap) [ls[k], ls[k + 1]] = [ls[k + 1]!, ls[k]!];
      else ls.splice(k, 1);
      writeFileSync(path, Buffer.concat(ls));
      if (swap || k < ls.length) return expectDetected(dir, { file: seg.name, line: k + 1, reason: 'seq gap' });
      // The file's last line went: only the sidecar (or emptiness) can tell.
      if (ls.length === 0) return expectDetected(dir, { file: seg.name, line: 1, reason: 'empty segment' });
      return expectDetected(dir, { file: seg.name + '.sha256', line: 1, reason: 'sidecar mismatch' });
    }),
    { numRuns: 120 },
  );
});

t.test('any truncation is reported: a torn line at its line, a clean cut by the sidecar', async () => {
  await fc.assert(
    fc.asyncProperty(segIndex(), fc.nat(), async (si, pick) => {
      const seg = segs[si]!;
      const dir = copy();
      const path = join(dir, seg.name);
      const buf = readFileSync(path);
      const size = pick % buf.length;
      truncateSync(path, size);
      if (size === 0) return expectDetected(dir, { file: seg.name, line: 1, reason: 'empty segment' });
      if (buf[size - 1] === 0x0a)
        return expectDetected(dir, { file: seg.name + '.sha256', line: 1, reason: 'sidecar mismatch' });
      let line = 1;
      for (let i = 0; i < size; i++) if (buf[i] === 0x0a) line++;
      return expectDetected(dir, { file: seg.name, line, reason: 'torn line' });
    }),
    { numRuns: 120 },
  );
});

t.test('removing any segment is reported (the newest only against an anchor)', async (t) => {
  for (let si = 0; si < segs.length; si++) {
    const dir = copy();
    unlinkSync(join(dir, segs[si]!.name));
    unlinkSync(join(dir, segs[si]!.name + '.sha256'));
    if (si < segs.length - 1) await expectDetected(dir, { file: segs[si + 1]!.name, line: 1, reason: 'seq gap' });
    else await expectDetected(dir, { file: segs[si - 1]!.name, line: 0, reason: 'anchor mismatch' });
    t.pass(`removal of ${segs[si]!.name} detected`);
  }
});

t.test('duplicate ids and decreasing ts are named even with a recomputed chain', async (t) => {
  // A forger who rewrites the whole chain keeps hashes consistent; the structural rules still hold.
  const { buildRecordLine } = await import('../../lib/audit/index.js');
  const rewrite = (mutate: (recs: Record<string, unknown>[]) => void) => {
    const dir = copy();
    const seg = segs[0]!;
    rmSync(join(dir, seg.name + '.sha256'));
    for (const s of segs.slice(1)) {
      rmSync(join(dir, s.name));
      rmSync(join(dir, s.name + '.sha256'));
    }
    const recs = readFileSync(join(dir, seg.name), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    mutate(recs);
    let prev = '0'.repeat(64);
    let out = '';
    for (const r of recs) {
      const { hash: _, ...fields } = r;
      const b = buildRecordLine({ ...fields, prev } as never);
      out += b.line;
      prev = b.hash;
    }
    writeFileSync(join(dir, seg.name), out);
    return dir;
  };
  let v = await verifyAuditLog(rewrite((recs) => (recs[3]!.id = recs[1]!.id)));
  t.same([v.firstError?.line, v.firstError?.reason], [4, 'duplicate id']);
  v = await verifyAuditLog(rewrite((recs) => (recs[2]!.ts = '2020-01-01T00:00:00.000Z')));
  t.same([v.firstError?.line, v.firstError?.reason], [3, 'decreasing ts']);
  v = await verifyAuditLog(rewrite(() => {}));
  t.ok(v.intact, 'the rewrite itself is a valid chain (hence anchors)');
});
