// Issue 10 #1 in the SDK: a token string with a lone surrogate would be UTF-8 encoded as U+FFFD,
// colliding with other tokens. WASM sealKey, VramManager.open and the (browser-safe) record and
// byte verifiers all refuse it with E_ARG.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger } from '../../lib/audit/index.js';
import { VramManager } from '../../lib/manager/vram-manager.js';
import { verifySealRecord, verifySealedBytes } from '../../lib/seal/verify-bytes.js';
import { loadWasm } from '../../lib/wasm/index.js';
import { isWellFormedText } from '../../lib/formats/well-formed.js';
import { readVectorJson, vectorSources, patternBytes } from '../helpers/vectors.js';

const base = 'worker-token-0123456789-';
const lone = [base + '\ud800', base + '\udfff', base + '\udc00\ud800', '\ud83d' + base];
const ARG = { code: 'E_ARG', argument: 'token' };

t.test('isWellFormedText agrees with String.prototype.isWellFormed where Node has it', async (t) => {
  const samples = [
    '',
    'a',
    '\ud83d\ude00',
    '\ud83d',
    '\ude00',
    'a\ud83d\ude00b',
    '\ude00\ud83d',
    '\ud83d\ud83d\ude00',
    ...lone,
  ];
  for (const s of samples) {
    const expected =
      (s as { isWellFormed?: () => boolean }).isWellFormed?.() ??
      !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));
    t.equal(isWellFormedText(s), expected, JSON.stringify(s));
  }
});

t.test('WASM sealKey refuses lone surrogates, which used to share the key of U+FFFD', async (t) => {
  const wasm = await loadWasm();
  for (const token of lone) {
    const err = (() => {
      try {
        wasm.sealKey(token).dispose();
      } catch (e) {
        return e;
      }
    })();
    t.match(err, ARG, JSON.stringify(token.slice(-2)));
    t.notMatch(String((err as Error)?.message), base, 'token not echoed');
  }
  const real = wasm.sealKey(base + '\ufffd');
  t.match(real.kid, /^[0-9a-f]{16}$/, 'a real U+FFFD is a valid token');
  real.dispose();
});

t.test('VramManager.open refuses a token with a lone surrogate', async (t) => {
  const audit = AuditLogger.open({ dir: join(mkdtempSync(join(tmpdir(), 'vrr-token-')), 'audit'), service: 'w' });
  t.teardown(() => audit.close());
  const err = await VramManager.open({
    token: base + '\ud800',
    workerId: 'w',
    audit,
    backend: 'host-sim',
    policy: { allowSimulatedDevice: true },
  }).catch((e) => e);
  t.match(err, ARG);
});

t.test('the browser-safe verifiers refuse it too', async (t) => {
  const [source] = vectorSources().filter((s) => !s.skip);
  const vectors = readVectorJson(source!, 'seal.json');
  const good = vectors.good[0];
  await t.rejects(verifySealRecord(good.record, { token: vectors.token + '\ud800' }), ARG);
  await t.rejects(
    verifySealedBytes(patternBytes(good.dataSize), good.record, { token: '\udc00' + vectors.token }),
    ARG,
  );
  t.equal(
    (await verifySealRecord(good.record, { token: vectors.token })).shardId,
    good.record.shardId,
    'the vector token still verifies',
  );
});
