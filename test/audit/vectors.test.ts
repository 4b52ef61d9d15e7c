// The shared vectors (both sources): the intact log verifies, every hash in audit.json
// recomputes, our JCS equals canonicalOfSeq0, and our writer would produce the very same bytes.
import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildRecordLine,
  canonicalJson,
  canonicalRecord,
  recordHash,
  verifyAuditLog,
  type AuditRecord,
} from '../../lib/audit/index.js';
import { readVectorJson, vectorSources } from '../helpers/vectors.js';
import { VramResidencyError } from '../../lib/errors.js';
import { OwnRecordLines } from '../../lib/audit/write/record-line.js';

for (const source of vectorSources()) {
  t.test(`audit vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const vec = readVectorJson<{ dir: string; records: number; hashes: string[]; canonicalOfSeq0: string }>(
      source,
      'audit.json',
    );
    const dir = join(source.dir, vec.dir);
    const result = await verifyAuditLog(dir);
    t.equal(result.intact, true, result.summary);
    t.equal(result.records, vec.records);
    t.equal(result.segments, 2);
    t.equal(result.summary, `${vec.records} records in 2 segments intact`);

    const lines = ['audit-000000000000.jsonl', 'audit-000000000004.jsonl'].flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0),
    );
    t.equal(lines.length, vec.records);
    lines.forEach((line, i) => {
      const { hash, ...fields } = JSON.parse(line) as AuditRecord;
      t.equal(hash, vec.hashes[i], `seq ${i} hash as in audit.json`);
      t.equal(recordHash(fields), vec.hashes[i], `seq ${i} hash recomputes`);
      t.equal(buildRecordLine(fields).line, line + '\n', `seq ${i} line is byte-identical to what the writer emits`);
      if (i === 0) t.equal(canonicalRecord(fields), vec.canonicalOfSeq0, 'JCS of seq 0');
    });
  });
}

t.test('JCS (RFC 8785) details', async (t) => {
  t.equal(
    canonicalJson({ b: 1, a: [true, null, 'x'], A: {} }),
    '{"A":{},"a":[true,null,"x"],"b":1}',
    'members sorted by code unit',
  );
  // RFC 8785 §3.2.3 sorts by UTF-16 code units: U+20AC (€) sorts before U+1F600 (a surrogate pair, 0xD83D).
  t.equal(canonicalJson({ '\u{1F600}': 1, '\u20ac': 2, '\r': 3, '1': 4, ö: 5 }), '{"\\r":3,"1":4,"ö":5,"€":2,"😀":1}');
  t.equal(
    canonicalJson('\u0000\b\t\n\f\r"\\\u001f\u007f€/'),
    '"\\u0000\\b\\t\\n\\f\\r\\"\\\\\\u001f\u007f€/"',
    'escapes per ES JSON.stringify',
  );
  t.equal(canonicalJson(-0), '0');
  t.equal(canonicalJson(9007199254740991), '9007199254740991');
  t.throws(() => canonicalJson(1.5));
  t.throws(() => canonicalJson(2 ** 53));
  t.throws(() => canonicalJson(NaN));
  t.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}', 'absent members are skipped as JSON.stringify does');
});

t.test(
  'what canonical JSON cannot hold is a CanonicalJsonError in the one error family (E_CANONICAL_JSON)',
  async (t) => {
    for (const bad of [1.5, Number.MAX_SAFE_INTEGER + 1, undefined, () => 1, [Number.NaN], { a: 10n }]) {
      t.throws(() => canonicalJson(bad), { name: 'CanonicalJsonError', code: 'E_CANONICAL_JSON' });
      try {
        canonicalJson(bad);
      } catch (error) {
        t.ok(error instanceof VramResidencyError, 'a VramResidencyError');
      }
    }
  },
);

t.test('buildRecordLine quotes every member as JSON.stringify and JCS do, whatever it holds', async (t) => {
  // Any character that needs escaping (quotes, backslashes, controls, non-ASCII) must come out as
  // the SPEC's JCS in the hash and parse back from the line.
  const text = fc.string({
    unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u007f', 'é', '😀'), fc.string({ maxLength: 1 })),
  });
  fc.assert(
    fc.property(text, text, text, fc.nat(), (service, type, ts, seq) => {
      const fields = { seq, id: ts, ts, service, type, severity: 'info' as const, data: { s: service }, prev: type };
      const built = buildRecordLine(fields);
      const record = JSON.parse(built.line) as AuditRecord;
      return (
        built.hash === recordHash(fields) && record.service === service && record.type === type && record.ts === ts
      );
    }),
    { numRuns: 500 },
  );
  t.pass('500 records: line and hash as JSON.stringify and the canonical form make them');
});

t.test("the logger's fast line builder makes exactly buildRecordLine's line, hash and byte count", async (t) => {
  // OwnRecordLines skips quoting for the members the logger makes itself and caches the text
  // around them per type and severity; data, which callers give, can hold anything JSON can.
  const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
  const scalar = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\t', 'é', '😀', '\u2028', ' ') }),
    fc.maxSafeInteger(),
    fc.integer({ min: -(2 ** 53) + 1, max: 0 }),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(name, scalar, { maxKeys: 3 }));
  const record = fc.record({
    seq: fc.nat(),
    service: fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/),
    type: fc.stringMatching(/^[a-z0-9_]{1,6}(\.[a-z0-9_]{1,6}){1,2}$/),
    severity: fc.constantFrom('info' as const, 'warning' as const, 'critical' as const),
    data: fc.dictionary(name, value, { maxKeys: 6 }),
  });
  const lines = new Map<string, OwnRecordLines>();
  fc.assert(
    fc.property(record, fc.uuid(), (r, id) => {
      const ts = '2026-12-07T16:00:00.123Z';
      const prev = 'ab'.repeat(32);
      const own = lines.get(r.service) ?? new OwnRecordLines(r.service);
      lines.set(r.service, own);
      const fast = own.build(r.seq, id, ts, r.type, r.severity, r.data, prev);
      const slow = buildRecordLine({ ...r, id, ts, prev });
      return fast.line === slow.line && fast.hash === slow.hash && fast.bytes === Buffer.byteLength(slow.line);
    }),
    { numRuns: 1000 },
  );
  t.pass('1000 records, each type and severity built twice or more from the cache');
});
