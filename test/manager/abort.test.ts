// sealFile/sealBytes take an AbortSignal (issue 10 item 15): an abort stops the upload at the next
// piece boundary, frees the allocation, returns the reserved bytes, is audited, and rejects with
// AbortError (E_ABORTED). Real files on the host-simulated device.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Logger, type ILogObj } from 'tslog';
import { AuditLogger, queryAuditLogAll } from '../../lib/audit/index.js';
import { openSimManager } from '../helpers/sim-manager.js';
import { ABORT_PIECE_BYTES } from '../../lib/manager/fill.js';
import { AbortError, InvalidArgumentError } from '../../lib/errors.js';

const LEAF = 65536;
const SIZE = ABORT_PIECE_BYTES + 8 * 1024 * 1024; // two pieces

async function open(t: { teardown(fn: () => Promise<void>): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-abort-'));
  const audit = AuditLogger.open({
    dir: join(dir, 'audit'),
    service: 'worker-1',
    operationalLog: new Logger<ILogObj>({ type: 'hidden' }),
  });
  const manager = await openSimManager(audit, {
    leafSize: LEAF,
    simulatedCapacityBytes: 2 * SIZE,
    faultInjection: false,
  });
  t.teardown(async () => {
    await manager.close();
    await audit.close().catch(() => undefined);
  });
  return { dir, audit, manager };
}

async function deallocations(dir: string) {
  return (await queryAuditLogAll(join(dir, 'audit'), { types: ['vram.*'] })).map((r) => [
    r.type,
    r.data.reason ?? null,
  ]);
}

for (const source of ['sealFile', 'sealBytes'] as const) {
  t.test(`${source}: an abort during the upload stops it, frees the memory and is audited`, async (t) => {
    const { dir, audit, manager } = await open(t);
    const bytes = randomBytes(SIZE);
    const file = join(dir, 'shard.bin');
    writeFileSync(file, bytes);
    const controller = new AbortController();
    const seen: number[] = [];
    const opts = {
      signal: controller.signal,
      onProgress: (p: { bytes: number }) => {
        seen.push(p.bytes);
        controller.abort(new Error('user pressed Ctrl-C'));
      },
    };
    const err = await (source === 'sealFile' ? manager.sealFile(file, opts) : manager.sealBytes(bytes, opts)).then(
      () => null,
      (e: unknown) => e,
    );
    t.type(err, AbortError);
    t.equal((err as AbortError | null)?.code, 'E_ABORTED');
    t.equal((err as AbortError | null)?.retriable, false);
    t.equal(
      ((err as Error | null)?.cause as Error | undefined)?.message,
      'user pressed Ctrl-C',
      'the signal reason is the cause',
    );
    t.ok(
      Math.max(...seen) <= ABORT_PIECE_BYTES,
      `the upload stopped at the first piece boundary (${Math.max(...seen)} of ${SIZE} bytes)`,
    );
    t.equal(manager.capacity().used, 0, 'the reserved bytes are returned');
    t.same(manager.shards(), [], 'no shard');
    await audit.flush();
    t.same(await deallocations(dir), [
      ['vram.allocated', null],
      ['vram.deallocated', 'seal aborted by the caller'],
    ]);
    // The manager is fine afterwards: the same bytes seal without a signal.
    const shard = await manager.sealBytes(bytes.subarray(0, 4 * LEAF));
    t.equal(shard.size, 4 * LEAF);
  });
}

t.test('an already aborted signal: nothing is reserved or audited; a non-signal is E_ARG', async (t) => {
  const { dir, audit, manager } = await open(t);
  const bytes = randomBytes(3 * LEAF);
  await t.rejects(manager.sealBytes(bytes, { signal: AbortSignal.abort() }), { code: 'E_ABORTED' });
  await t.rejects(manager.sealBytes(bytes, { signal: {} as AbortSignal }), InvalidArgumentError);
  await audit.flush();
  t.same(await deallocations(dir), [], 'no allocation happened');
  t.equal(manager.capacity().used, 0);
});

t.test('a signal that never fires changes nothing: the pieces give the same seal', async (t) => {
  const { dir, manager } = await open(t);
  const bytes = randomBytes(SIZE - 12345);
  const file = join(dir, 'shard.bin');
  writeFileSync(file, bytes);
  const plain = await manager.sealFile(file);
  await manager.release(plain);
  const pieced = await manager.sealFile(file, { signal: new AbortController().signal });
  t.equal(pieced.digest, plain.digest, 'sealFile in pieces: same digest');
  t.same(await manager.verify(pieced, { mode: 'full' }), {
    shardId: pieced.id,
    mode: 'full',
    leavesChecked: Math.ceil(bytes.length / LEAF),
    ok: true,
  });
  await manager.release(pieced);
  const copied = await manager.sealBytes(bytes, { signal: new AbortController().signal });
  t.equal(copied.digest, plain.digest, 'sealBytes in pieces: same digest');
});
