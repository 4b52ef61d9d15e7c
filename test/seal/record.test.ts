import t from 'tap';
import fc from 'fast-check';
import { MalformedSealError } from '../../lib/errors.js';
import { modelRefProblem, parseSealRecord, serializeSealRecord, validateSealRecord } from '../../lib/seal/record.js';
import { SEAL_MEMBERS } from '../../lib/formats/seal-record.js';
import { isUtcMillis } from '../../lib/formats/utc-time.js';
import { readVectorJson, vectorSources } from '../helpers/vectors.js';

for (const source of vectorSources()) {
  t.test(`seal record shapes from ${source.label}`, { skip: source.skip }, async (t) => {
    const vectors = readVectorJson(source, 'seal.json');
    for (const good of vectors.good) {
      t.same(validateSealRecord(good.record), good.record, `good record ${good.record.shardId} validates`);
    }
    for (const bad of vectors.bad) {
      if (bad.expect === 'malformed') {
        t.throws(() => validateSealRecord(bad.record), MalformedSealError, `${bad.what} is malformed`);
      } else {
        t.doesNotThrow(() => validateSealRecord(bad.record), `${bad.what} is well-formed (fails later: ${bad.expect})`);
      }
    }
  });
}

t.test('serialize writes SPEC member order and parses back', async (t) => {
  const [source] = vectorSources().filter((s) => !s.skip);
  const record = readVectorJson(source!, 'seal.json').good[0].record;
  const text = serializeSealRecord(record);
  t.same(Object.keys(JSON.parse(text)), [...SEAL_MEMBERS]);
  t.same(parseSealRecord(text), record);
});

t.test('malformed errors name the member and carry the SPEC reason', async (t) => {
  const [source] = vectorSources().filter((s) => !s.skip);
  const record = readVectorJson(source!, 'seal.json').good[0].record;
  const err = t.throws(() => validateSealRecord({ ...record, workerId: 'bad id' })) as MalformedSealError;
  t.equal(err.code, 'E_MALFORMED');
  t.equal(err.reason, 'malformed');
  t.match(err.message, /workerId/);
  t.throws(() => parseSealRecord('{not json'), { code: 'E_MALFORMED' });
  t.throws(() => validateSealRecord([]), { code: 'E_MALFORMED' });
  t.throws(() => validateSealRecord({ ...record, size: 0 }), { code: 'E_MALFORMED' });
  t.throws(() => validateSealRecord({ ...record, size: 2 ** 53 }), { code: 'E_MALFORMED' });
  t.throws(() => validateSealRecord({ ...record, device: 1024 }), { code: 'E_MALFORMED' });
  t.throws(() => validateSealRecord({ ...record, deviceUuid: 'x'.repeat(65) }), { code: 'E_MALFORMED' });
  t.throws(() => validateSealRecord({ ...record, shardCount: 65536, shardIndex: 0 }), { code: 'E_MALFORMED' });
  t.throws(() => validateSealRecord({ ...record, sealedAt: '2026-02-30T00:00:00.000Z' }), { code: 'E_MALFORMED' });
});

t.test('modelRef rules', async (t) => {
  t.equal(modelRefProblem('modèle/ünïcode ✓ 模型'), null);
  t.equal(modelRefProblem('😀'.repeat(512)), null, '512 code points (1024 UTF-16 units) is fine');
  t.not(modelRefProblem('😀'.repeat(513)), null);
  t.not(modelRefProblem(''), null);
  t.not(modelRefProblem('a\ud800b'), null, 'lone high surrogate');
  t.not(modelRefProblem('a\udc00'), null, 'lone low surrogate');
  t.not(modelRefProblem('a\u0085b'), null, 'C1 control');
  t.not(modelRefProblem('a\u2067b'), null, 'bidi isolate');
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }), (s) => {
      const bad = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s);
      return (modelRefProblem(s) === null) === !bad;
    }),
  );
});

t.test('sealedAt is exact UTC with milliseconds', async (t) => {
  t.ok(isUtcMillis('2026-11-23T19:01:45.123Z'));
  t.notOk(isUtcMillis('2026-11-23T19:01:45Z'));
  t.notOk(isUtcMillis('2026-11-23T19:01:45.123+00:00'));
  t.notOk(isUtcMillis('2026-13-01T00:00:00.000Z'));
  fc.assert(
    fc.property(fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (d) =>
      isUtcMillis(d.toISOString()),
    ),
  );
});
