// Issue 10 #2: a huge modelRef is refused by its length before anything counts its code points;
// seal record text is capped before it is parsed. Run in a child with a small heap: before the
// fix a 64 MiB modelRef took gigabytes and died there.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MalformedSealError } from '../../lib/errors.js';
import { MAX_SEAL_RECORD_BYTES, modelRefProblem, parseSealRecord } from '../../lib/seal/record.js';
import { readVectorJson, repoRoot, vectorSources } from '../helpers/vectors.js';

const [source] = vectorSources().filter((s) => !s.skip);
const record = readVectorJson(source!, 'seal.json').good[0].record;

t.test('a 64 MiB modelRef is malformed, within a 128 MiB heap', async (t) => {
  const verifier = pathToFileURL(join(repoRoot, 'dist', 'seal', 'verify-bytes.js')).href;
  const script = `
    const { verifySealRecord } = await import(${JSON.stringify(verifier)});
    const record = { ...${JSON.stringify(record)}, modelRef: 'a'.repeat(64 << 20) };
    const e = await verifySealRecord(record, { token: 'x'.repeat(32) }).catch((e) => e);
    process.stdout.write(JSON.stringify({ code: e.code, message: e.message }));`;
  const r = spawnSync(process.execPath, ['--max-old-space-size=128', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.equal(r.status, 0, `the child ends normally (stderr: ${r.stderr.slice(0, 300)})`);
  t.match(JSON.parse(r.stdout || '{}'), { code: 'E_MALFORMED', message: /modelRef.*1 to 512/ });
});

t.test('the length rule itself: 512 code points pass, 513 do not, astral ones count once', async (t) => {
  t.equal(modelRefProblem('😀'.repeat(512)), null, '512 astral code points = 1024 UTF-16 units');
  t.match(modelRefProblem('😀'.repeat(513)), /512/);
  t.match(modelRefProblem('a'.repeat(1025)), /512/);
  t.match(modelRefProblem(''), /512/);
});

t.test('seal record text over the cap is malformed before it is parsed', async (t) => {
  const padded = JSON.stringify(record) + ' '.repeat(MAX_SEAL_RECORD_BYTES);
  t.throws(() => parseSealRecord(padded), MalformedSealError);
  t.throws(() => parseSealRecord(padded), { message: /larger than any seal record/ });
  t.same(parseSealRecord(JSON.stringify(record, null, 2)), record);
});

t.test('parseSealRecord reads strictly: a member twice, 1e6, 1000000.0 and -0 are malformed', async (t) => {
  const text = JSON.stringify(record, null, 2);
  const size = `"size": ${record.size}`;
  t.ok(text.includes(size));
  for (const bad of [
    text.replace(size, `"size": 1,\n  ${size}`),
    text.replace(size, `"size": ${record.size.toExponential()}`),
    text.replace(size, `"size": ${record.size}.0`),
    text.replace(`"device": ${record.device}`, '"device": -0'),
  ]) {
    t.throws(() => parseSealRecord(bad), MalformedSealError);
  }
});
