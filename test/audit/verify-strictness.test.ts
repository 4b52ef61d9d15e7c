// Lines that JSON.parse forgives but SPEC §4 forbids must not verify, even with hashes that
// recompute: forbidden characters in data, impossible dates, duplicate members, non-canonical
// numbers; and canonicalization must not confuse member names that contain U+0000.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GENESIS_PREV,
  buildRecordLine,
  canonicalJson,
  queryAuditLogAll,
  recordHash,
  verifyAuditLog,
} from '../../lib/audit/index.js';
import { strictJsonProblem } from '../../lib/formats/strict-json.js';

const ID = '01a209c9-1e0c-7b11-8725-55cc0786c8cb';

function logWith(line: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-strict-'));
  writeFileSync(join(dir, 'audit-000000000000.jsonl'), line);
  return dir;
}

function fields(over: Record<string, unknown> = {}) {
  return {
    seq: 0,
    id: ID,
    ts: '2026-11-23T19:01:45.000Z',
    service: 'w',
    type: 'app.event',
    severity: 'info' as const,
    data: {},
    prev: GENESIS_PREV,
    ...over,
  };
}

t.test('a well-formed line verifies (control)', async (t) => {
  t.match(await verifyAuditLog(logWith(buildRecordLine(fields({ data: { a: 'tab\tok', n: -5 } })).line)), {
    intact: true,
    records: 1,
  });
});

t.test('forbidden characters in data are malformed, however the hash looks', async (t) => {
  for (const bad of ['bell\u0007', '\u202eevil', 'lone \ud800', 'c1 \u0085']) {
    const r = await verifyAuditLog(logWith(buildRecordLine(fields({ data: { nested: [{ s: bad }] } })).line));
    t.match(r, { intact: false, firstError: { reason: 'malformed record', line: 1 } }, JSON.stringify(bad));
  }
});

t.test('calendar-impossible timestamps are malformed', async (t) => {
  for (const ts of ['2023-02-30T00:00:00.000Z', '2023-01-01T24:00:00.000Z', '2023-13-01T00:00:00.000Z']) {
    const r = await verifyAuditLog(logWith(buildRecordLine(fields({ ts })).line));
    t.match(r, { intact: false, firstError: { reason: 'malformed record' } }, ts);
  }
});

t.test('duplicate members and non-canonical numbers are malformed', async (t) => {
  const good = buildRecordLine(fields({ data: { n: 1 } })).line;
  const dupTop = good.replace('{"v":1,', '{"severity":"critical","type":"evil.type","v":1,');
  t.match(await verifyAuditLog(logWith(dupTop)), {
    intact: false,
    firstError: { reason: 'malformed record', detail: /appears twice/ },
  });
  const dupData = good.replace('"data":{"n":1}', '"data":{"n":2,"n":1}');
  t.match(await verifyAuditLog(logWith(dupData)), { intact: false, firstError: { reason: 'malformed record' } });
  for (const form of ['1.0', '1e0', '10E-1']) {
    const line = good.replace('"n":1', `"n":${form}`);
    t.match(
      await verifyAuditLog(logWith(line)),
      { intact: false, firstError: { reason: 'malformed record', detail: /canonical/ } },
      form,
    );
  }
  t.equal(
    strictJsonProblem('{"a":[{"x":1},{"x":2}],"b":{"x":"a\\"x"},"c":-0}'),
    'number -0 is not an integer in its one canonical form',
  );
  t.equal(
    strictJsonProblem('{"a":[{"x":1},{"x":2}],"b":{"x":"\\"x\\":1"},"c":[]}'),
    null,
    'same names in different objects, names inside strings',
  );
});

t.test('member names with U+0000 do not share a canonical shape with split names', async (t) => {
  t.equal(canonicalJson({ a: 1, b: 2 }), '{"a":1,"b":2}');
  t.equal(canonicalJson({ 'a\u0000b': 1 }), '{"a\\u0000b":1}');
  t.equal(canonicalJson({ a: 1, b: 2 }), '{"a":1,"b":2}', 'and back');
  t.not(recordHash(fields({ data: { 'a\u0000b': 'evil' } })), recordHash(fields({ data: {} })));
});

t.test('query skips parseable lines without a type', async (t) => {
  const dir = logWith(buildRecordLine(fields()).line + '{"ts":"2026-11-23T19:01:45.001Z","data":{}}\n');
  t.same(
    (await queryAuditLogAll(dir, { types: ['app.*'] })).map((r) => r.type),
    ['app.event'],
  );
});
