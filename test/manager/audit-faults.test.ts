// Issue 10 item 6 on a real full disk (a small tmpfs holds the audit log): a verify that finds a
// mismatch is always the non-retriable SealVerificationError, with the audit failure attached,
// and the critical record stays queued until the disk has room again.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Logger, type ILogObj } from 'tslog';
import { AuditLogger, queryAuditLogAll, verifyAuditLog } from '../../lib/audit/index.js';
import { openSimManager } from '../helpers/sim-manager.js';
import { AuditIoError, SealVerificationError } from '../../lib/errors.js';
import { mountFillableTmpfs, tmpfsSkip } from '../helpers/tmpfs.js';

const skip = tmpfsSkip;

const LEAF = 4096;
const quiet = new Logger<ILogObj>({ type: 'hidden' });

t.test('a mismatch found while the audit disk is full is SealVerificationError, every time', { skip }, async (t) => {
  const fs = mountFillableTmpfs(t, 1024 * 1024);
  const audit = AuditLogger.open({
    dir: join(fs.dir, 'audit'),
    service: 'worker-1',
    flush: { mode: 'hybrid' },
    retryBackoffMs: { initial: 2, max: 20 },
    operationalLog: quiet,
  });
  const manager = await openSimManager(audit, { simulatedCapacityBytes: 1 << 20 });
  const shard = await manager.sealBytes(randomBytes(4 * LEAF));
  await manager.injectFaultForTesting(shard, 5, 0x01);
  await audit.flush();
  fs.fill();
  // More than the free tail of the segment's last page, so the critical write cannot fit.
  for (let i = 0; i < 30; i++) audit.emit({ type: 'billing.padding', data: { n: i, text: 'x'.repeat(200) } });

  for (const attempt of ['first', 'second']) {
    const err = await manager.verify(shard, { mode: 'full' }).then(
      () => null,
      (e: unknown) => e,
    );
    t.type(err, SealVerificationError, `${attempt} verify: the mismatch is the error`);
    const e = err as SealVerificationError | null;
    t.equal(e?.code, 'E_SEAL_VERIFICATION');
    t.equal(e?.retriable, false, 'not retriable: never run inference on this shard');
    t.type(e?.auditError, AuditIoError, 'the audit failure is attached');
    t.equal(e?.auditError?.code, 'E_AUDIT_IO');
    t.match(e?.message, /not on disk yet/);
  }

  fs.free();
  await audit.flush();
  const failures = await queryAuditLogAll(join(fs.dir, 'audit'), { types: ['seal.verification_failed'] });
  t.equal(failures.length, 2, 'both critical records reached the disk once it had room');
  t.ok(failures.every((r) => r.data.shard_id === shard.id));
  await manager.close();
  await audit.close();
  t.ok((await verifyAuditLog(join(fs.dir, 'audit'))).intact);
});
