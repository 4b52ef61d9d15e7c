// Offline verification: every seal.json vector, through every engine, plus records written by
// this code against the independent implementation's key and MAC.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES } from '../../lib/engines/digest-with-engine.js';
import { verifySealRecord, verifySealedFile } from '../../lib/seal/offline.js';
import { SEAL_MEMBERS, type SealRecord } from '../../lib/formats/seal-record.js';
import { loadWasm } from '../../lib/wasm/index.js';
import { patternBytes, readVectorJson, sealFailure, vectorSources } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'vrr-offline-'));
let fileCount = 0;
function fileOf(bytes: Uint8Array): string {
  const path = join(dir, `data-${fileCount++}.bin`);
  writeFileSync(path, bytes);
  return path;
}

for (const source of vectorSources()) {
  t.test(`seal vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const v = readVectorJson(source, 'seal.json');
    const token: string = v.token;
    const key = (await loadWasm()).sealKey(token);
    t.equal(key.kid, v.kid, 'kid from the token');
    key.dispose();

    for (const good of v.good) {
      const path = fileOf(patternBytes(good.dataSize));
      for (const engine of ENGINES) {
        const record = await verifySealedFile(path, good.record, { token, engine });
        t.equal(record.shardId, good.record.shardId, `good ${good.record.shardId} verifies with ${engine}`);
      }
    }
    for (const bad of v.bad) {
      await t.rejects(verifySealRecord(bad.record, { token }), sealFailure(bad.expect), `${bad.what}: ${bad.expect}`);
    }
    const good0 = v.good[0];
    for (const c of v.dataCases) {
      const data = patternBytes(c.dataSize);
      if (c.flipByteAt !== undefined) data[c.flipByteAt]! ^= 0x01;
      const path = fileOf(data);
      for (const engine of ENGINES) {
        await t.rejects(
          verifySealedFile(path, good0.record, { token, engine }),
          sealFailure(c.expect),
          `${c.what}: ${c.expect} (${engine})`,
        );
      }
    }
    const cm = v.contentMismatch;
    const cmPath = fileOf(patternBytes(cm.dataSize));
    for (const engine of ENGINES) {
      await t.rejects(
        verifySealedFile(cmPath, cm.record, { token, engine }),
        { reason: cm.expect, code: 'E_CONTENT_MISMATCH' },
        `content mismatch (${engine})`,
      );
    }
    await t.rejects(verifySealRecord(good0.record, { token: v.wrongToken.token }), {
      reason: v.wrongToken.expect,
      code: 'E_WRONG_KEY',
    });
  });
}

t.test('every single-member change of a sealed record is rejected', async (t) => {
  const [source] = vectorSources().filter((s) => !s.skip);
  const v = readVectorJson(source!, 'seal.json');
  const base: SealRecord = v.good[0].record;
  const alternatives: Record<string, unknown[]> = {
    format: ['vram-residency.seal.v0'],
    shardId: ['shard-x'],
    digestAlg: ['sha256'],
    leafSize: [4096],
    size: [199999],
    digest: ['0'.repeat(64)],
    contentSha256: [null, 'f'.repeat(64)],
    device: [2],
    deviceUuid: [null, 'GPU-x'],
    backend: ['host-sim'],
    sealedAt: ['2026-11-23T19:01:45.000Z'],
    workerId: ['worker-2'],
    modelRef: [null, 'other'],
    shardIndex: [1],
    shardCount: [5],
    kid: ['ffffffffffffffff'],
    mac: ['f'.repeat(64)],
  };
  for (const member of SEAL_MEMBERS) {
    for (const value of alternatives[member]!) {
      await t.rejects(
        verifySealRecord({ ...base, [member]: value }, { token: v.token }),
        { name: /Error$/ },
        `${member} → ${JSON.stringify(value)}`,
      );
    }
  }
});

t.test('errors for what a user can get wrong', async (t) => {
  const [source] = vectorSources().filter((s) => !s.skip);
  const v = readVectorJson(source!, 'seal.json');
  await t.rejects(verifySealRecord(v.good[0].record, { token: 'short' }), { code: 'E_ARG' });
  await t.rejects(verifySealedFile(join(dir, 'missing'), v.good[0].record, { token: v.token }), { code: 'E_IO' });
  await t.rejects(verifySealedFile(dir, v.good[0].record, { token: v.token }), { code: 'E_ARG' });
  await t.rejects(
    verifySealedFile(fileOf(new Uint8Array(0)), v.good[0].record, { token: v.token }),
    sealFailure('size mismatch'),
  );
});
