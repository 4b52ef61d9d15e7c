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

t.test("the writer's quick quoting of its own members agrees with JSON.stringify, whatever they hold", async (t) => {
  // buildRecordLine skips JSON.stringify for members that need no escaping; any character that
  // does (quotes, backslashes, controls, non-ASCII) must still come out as the SPEC's JCS.
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
