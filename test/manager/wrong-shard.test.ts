// Issue 21 item 11: a value that is not a shard is a wrong argument (E_ARG), never an integrity
// event — vram.verify({}) used to write a critical seal.verification_failed for shard "unknown".
// A real SealedShard released earlier is still audited as a failed verification.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AuditLogger, queryAuditLogAll } from '../../lib/audit/index.js';
import { openSimManager } from '../helpers/sim-manager.js';

t.test('verify/release/injectFault of something that is not a shard: E_ARG and no audit record', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-wrong-shard-'));
  const audit = AuditLogger.open({ dir: join(dir, 'audit'), service: 'worker-1' });
  const manager = await openSimManager(audit);
  const file = join(dir, 'shard.bin');
  writeFileSync(file, randomBytes(10_000));
  const shard = await manager.sealFile(file);
  await audit.flush();
  const before = (await queryAuditLogAll(join(dir, 'audit'))).length;

  for (const wrong of [{}, null, undefined, 42, 'shard-1', { id: shard.id }, shard.toRecord()]) {
    await t.rejects(
      manager.verify(wrong as never),
      { code: 'E_ARG', message: /SealedShard/ },
      `verify(${JSON.stringify(wrong)})`,
    );
    await t.rejects(manager.verify(wrong as never, { mode: 'sample' }), { code: 'E_ARG' });
    await t.rejects(manager.release(wrong as never), { code: 'E_ARG' });
    await t.rejects(manager.injectFaultForTesting(wrong as never, 0, 1), { code: 'E_ARG' });
  }
  await audit.flush();
  const after = await queryAuditLogAll(join(dir, 'audit'));
  t.equal(after.length, before, 'not one record written for a wrong argument');
  t.equal(after.filter((r) => r.severity === 'critical').length, 0);
  t.match(await manager.verify(shard), { ok: true }, 'the real shard still verifies');

  await manager.release(shard);
  await t.rejects(
    manager.verify(shard),
    { code: 'E_SEAL_VERIFICATION' },
    'a released shard is still an integrity event',
  );
  await audit.flush();
  t.equal((await queryAuditLogAll(join(dir, 'audit'))).filter((r) => r.type === 'seal.verification_failed').length, 1);
  await manager.close();
  await audit.close();
});
