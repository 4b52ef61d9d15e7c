// What the library tells a person who makes the common first mistakes: an unset token is
// "missing", a host-sim backend without the policy names the exact option, and a seal record read
// from disk (JSON text, as recordJson() returns it) verifies as well as the parsed record.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger } from '../../lib/audit/index.js';
import { VramManager } from '../../lib/manager/vram-manager.js';
import { verifySealedFile } from '../../lib/seal/offline.js';
import { loadWasm } from '../../lib/wasm/index.js';
import { TEST_TOKEN } from '../helpers/sim-manager.js';
import { patternBytes, readVectorJson, vectorSources } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-messages-'));

t.test('an unset token is missing, not "must be a string"', async (t) => {
  const wasm = await loadWasm();
  t.throws(() => wasm.sealKey(undefined as unknown as string), {
    code: 'E_ARG',
    message: /^token: is missing \(the worker token, 16 to 4096 bytes of UTF-8\)/,
  });
  t.throws(() => wasm.sealKey(42 as unknown as string), { code: 'E_ARG', message: /token: must be a string/ });
});

t.test('backend host-sim without the policy names the option to set', async (t) => {
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'messages' });
  t.teardown(() => audit.close());
  await t.rejects(VramManager.open({ token: TEST_TOKEN, workerId: 'worker-1', audit, backend: 'host-sim' }), {
    code: 'E_POLICY',
    message: /pass policy: \{ allowSimulatedDevice: true \} to VramManager\.open/,
  });
});

t.test('verifySealedFile takes the record as JSON text too', async (t) => {
  const [source] = vectorSources().filter((s) => !s.skip);
  const v = readVectorJson(source!, 'seal.json');
  const good = v.good[0];
  const path = join(dir, 'data.bin');
  writeFileSync(path, patternBytes(good.dataSize));
  const text = JSON.stringify(good.record);
  const record = await verifySealedFile(path, text, { token: v.token, engine: 'wasm' });
  t.equal(record.shardId, good.record.shardId);
  await t.rejects(verifySealedFile(path, '{not json', { token: v.token, engine: 'wasm' }), {
    code: 'E_MALFORMED',
    reason: 'malformed',
  });
});
