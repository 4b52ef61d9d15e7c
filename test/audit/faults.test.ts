// Disk-full and I/O errors injected through the file layer: no partial line survives, writes
// are retried with backoff, health() tells the story, and nothing accepted is lost.
import t, { type Test } from 'tap';
import { AuditLogger, queryAuditLogAll, verifyAuditLog, type FileLayer } from '../../lib/audit/index.js';
import { nodeFileLayer } from '../../lib/audit/write/file-layer.js';
import { AuditIoError } from '../../lib/errors.js';
import { Logger, type ILogObj } from 'tslog';
import { criticalEvent, freshDir, quietLog, verifiedEvent, waitFor } from './helpers.js';

function ioError(code: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: injected`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** A file layer that fails the next N calls of chosen operations, writing half the bytes first for writes. */
class FaultyLayer implements FileLayer {
  fail: Partial<
    Record<'write' | 'writeSync' | 'fsync' | 'fsyncSync' | 'ftruncateSync' | 'writeFileSync' | 'openSync', number>
  > = {};
  code = 'ENOSPC';
  injected = 0;
  /** Hold asynchronous writes this long before they touch the file (to overlap the critical path). */
  asyncWritesPending = 0;
  /** While set, background writes wait here: the test decides when they land, whatever the machine's load. */
  #gate: { promise: Promise<void>; open: () => void } | null = null;
  #waiters: Array<() => void> = [];
  holdWrites(): void {
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    this.#gate = { promise, open };
  }
  releaseWrites(): void {
    this.#gate?.open();
    this.#gate = null;
  }
  /** Resolves once a background write is held at the gate. */
  heldWrite(): Promise<void> {
    if (this.#gate && this.asyncWritesPending > 0) return Promise.resolve();
    return new Promise((r) => this.#waiters.push(r));
  }
  private take(op: keyof FaultyLayer['fail']): boolean {
    const n = this.fail[op] ?? 0;
    if (n <= 0) return false;
    this.fail[op] = n - 1;
    this.injected++;
    return true;
  }
  openSync(path: string, flags: string, mode: number) {
    if (this.take('openSync')) throw ioError(this.code);
    return nodeFileLayer.openSync(path, flags, mode);
  }
  closeSync(fd: number) {
    nodeFileLayer.closeSync(fd);
  }
  writeSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number) {
    if (this.take('writeSync')) {
      nodeFileLayer.writeSync(fd, buf, off, Math.floor(len / 2), pos);
      throw ioError(this.code);
    }
    return nodeFileLayer.writeSync(fd, buf, off, len, pos);
  }
  fsyncSync(fd: number) {
    if (this.take('fsyncSync')) throw ioError(this.code);
    nodeFileLayer.fsyncSync(fd);
  }
  ftruncateSync(fd: number, len: number) {
    if (this.take('ftruncateSync')) throw ioError(this.code);
    nodeFileLayer.ftruncateSync(fd, len);
  }
  async write(fd: number, buf: Uint8Array, off: number, len: number, pos: number) {
    this.asyncWritesPending++;
    try {
      if (this.#gate) {
        for (const wake of this.#waiters.splice(0)) wake();
        await this.#gate.promise;
      }
      if (this.take('write')) {
        await nodeFileLayer.write(fd, buf, off, Math.floor(len / 2), pos);
        throw ioError(this.code);
      }
      return await nodeFileLayer.write(fd, buf, off, len, pos);
    } finally {
      this.asyncWritesPending--;
    }
  }
  async fsync(fd: number) {
    if (this.take('fsync')) throw ioError(this.code);
    return nodeFileLayer.fsync(fd);
  }
  writeFileSync(path: string, data: string, mode: number) {
    if (this.take('writeFileSync')) throw ioError(this.code);
    nodeFileLayer.writeFileSync(path, data, mode);
  }
  renameSync(a: string, b: string) {
    nodeFileLayer.renameSync(a, b);
  }
  fsyncDirSync(dir: string) {
    nodeFileLayer.fsyncDirSync(dir);
  }
}

const fast = { initial: 1, max: 8 };

async function expectComplete(t: Test, dir: string, shards: number) {
  const v = await verifyAuditLog(dir);
  t.ok(v.intact, v.summary);
  const got = (await queryAuditLogAll(dir, { types: ['seal.verified', 'seal.verification_failed'] })).map(
    (r) => r.data.shard_id,
  );
  t.same(
    got,
    Array.from({ length: shards }, (_, i) => `shard-${i}`),
    'every accepted event exactly once, in order',
  );
}

t.test('disk full on background writes: partial bytes cut back, retried, flush resolves', async (t) => {
  const dir = freshDir(t);
  const layer = new FaultyLayer();
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    fileLayer: layer,
    retryBackoffMs: fast,
    flush: { mode: 'batched', maxEvents: 10, maxDelayMs: 1 },
    operationalLog: quietLog,
  });
  await log.flush();
  layer.fail.write = 4;
  for (let i = 0; i < 50; i++) log.emit(verifiedEvent(i));
  await log.flush();
  t.equal(layer.injected, 4, 'four writes failed half-way');
  const h = log.health();
  t.equal(h.state, 'open', 'recovered');
  t.equal(h.lastError?.code, 'ENOSPC', 'health keeps the last error');
  t.equal(h.queueDepth, 0);
  await log.close();
  await expectComplete(t, dir, 50);
});

t.test('I/O error on the critical synchronous path: typed error, record kept and written later', async (t) => {
  const dir = freshDir(t);
  const layer = new FaultyLayer();
  layer.code = 'EIO';
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    fileLayer: layer,
    retryBackoffMs: fast,
    flush: { mode: 'hybrid', maxDelayMs: 1 },
    operationalLog: quietLog,
  });
  await log.flush();
  log.emit(verifiedEvent(0));
  layer.fail.writeSync = 1;
  t.throws(() => log.emit(criticalEvent(1)), AuditIoError, 'emit reports that the critical record is not yet durable');
  t.equal(log.health().state, 'retrying');
  t.equal(log.health().lastError?.code, 'EIO');
  log.emit(verifiedEvent(2));
  await log.flush();
  t.equal(log.health().state, 'open');
  await log.close();
  await expectComplete(t, dir, 3);
});

t.test('fsync failures and a failing truncate are retried', async (t) => {
  const dir = freshDir(t);
  const layer = new FaultyLayer();
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    fileLayer: layer,
    retryBackoffMs: fast,
    flush: { mode: 'immediate' },
    operationalLog: quietLog,
  });
  await log.flush();
  layer.fail.fsync = 2;
  log.emit(verifiedEvent(0));
  await log.flush();
  layer.fail.write = 1;
  layer.fail.ftruncateSync = 1;
  log.emit(verifiedEvent(1));
  log.emit(verifiedEvent(2));
  await log.flush();
  layer.fail.fsyncSync = 1;
  t.throws(() => log.emit(criticalEvent(3)), AuditIoError);
  await log.flush();
  t.equal(layer.injected, 5);
  await log.close();
  await expectComplete(t, dir, 4);
});

t.test('rotation failures (segment create, sidecar) are retried', async (t) => {
  const dir = freshDir(t);
  const layer = new FaultyLayer();
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    fileLayer: layer,
    rotateBytes: 1024,
    retryBackoffMs: fast,
    flush: { mode: 'batched', maxEvents: 3, maxDelayMs: 1 },
    operationalLog: quietLog,
  });
  await log.flush();
  layer.fail.writeFileSync = 2;
  layer.fail.openSync = 2;
  for (let i = 0; i < 40; i++) log.emit(verifiedEvent(i));
  await log.flush();
  t.equal(layer.injected, 4);
  await log.close();
  await expectComplete(t, dir, 40);
});

t.test('a long outage fills the queue; losses become an audit.gap once writes recover', async (t) => {
  const dir = freshDir(t);
  const layer = new FaultyLayer();
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    fileLayer: layer,
    maxQueueEvents: 20,
    retryBackoffMs: { initial: 5, max: 5 },
    flush: { mode: 'batched', maxEvents: 5, maxDelayMs: 1 },
    operationalLog: quietLog,
  });
  await log.flush();
  layer.fail.write = 1_000_000;
  let refused = 0;
  for (let i = 0; i < 30; i++) {
    // Let failing writes be retried meanwhile: wait until one has failed, whatever the machine's load.
    if (i === 15) await waitFor(() => log.health().state === 'retrying' && !!log.health().lastError, 10_000);
    try {
      log.emit(verifiedEvent(i));
    } catch {
      refused++;
    }
  }
  t.equal(refused, 10, 'refused once the bound was reached');
  t.equal(log.health().dropped, 10);
  t.equal(log.health().state, 'retrying');
  t.equal(log.health().lastError?.code, 'ENOSPC');
  layer.fail.write = 0;
  await log.flush();
  log.emit(verifiedEvent(99));
  await log.close();
  const gap = (await queryAuditLogAll(dir, { types: ['audit.gap'] }))[0];
  t.equal(gap?.data.count, 10);
  t.ok((await verifyAuditLog(dir)).intact);
});

t.test(
  'a critical emit while a background batch is in flight: same bytes at the same offset, nothing lost or doubled',
  async (t) => {
    const dir = freshDir(t);
    const layer = new FaultyLayer();
    const log = AuditLogger.open({
      dir,
      service: 'w1',
      fileLayer: layer,
      flush: { mode: 'hybrid', maxEvents: 10, maxDelayMs: 1 },
      operationalLog: quietLog,
    });
    await log.flush();
    let shard = 0;
    for (let round = 0; round < 3; round++) {
      layer.holdWrites();
      for (let i = 0; i < 25; i++) log.emit(verifiedEvent(shard++));
      await layer.heldWrite(); // a batch is now in flight, held at the gate
      t.ok(layer.asyncWritesPending > 0, 'a background write is in flight');
      const r = log.emit(criticalEvent(shard++));
      t.equal(log.health().durableSeq, r.seq, 'the critical record and everything before it are durable on return');
      layer.releaseWrites();
      for (let i = 0; i < 5; i++) log.emit(verifiedEvent(shard++));
    }
    // One more overlap where the held write fails after the critical path covered it.
    layer.holdWrites();
    for (let i = 0; i < 25; i++) log.emit(verifiedEvent(shard++));
    layer.fail.write = 1;
    await layer.heldWrite();
    t.ok(layer.asyncWritesPending > 0, 'a background write (doomed to fail) is in flight');
    log.emit(criticalEvent(shard++));
    layer.releaseWrites();
    await log.flush();
    await log.close();
    await expectComplete(t, dir, shard);
  },
);

t.test('operational messages go to tslog and never carry audit content', async (t) => {
  const dir = freshDir(t);
  const seen: string[] = [];
  const opLog = new Logger<ILogObj>({ type: 'hidden' });
  opLog.attachTransport((entry) => seen.push(JSON.stringify(entry)));
  const layer = new FaultyLayer();
  const log = AuditLogger.open({
    dir,
    service: 'w1',
    fileLayer: layer,
    retryBackoffMs: fast,
    flush: { mode: 'batched', maxEvents: 5, maxDelayMs: 1 },
    operationalLog: opLog,
  });
  await log.flush();
  layer.fail.write = 2;
  for (let i = 0; i < 20; i++) log.emit(verifiedEvent(i));
  await log.flush();
  await log.close();
  t.ok(
    seen.some((m) => m.includes('ENOSPC')),
    'the write failure was reported',
  );
  t.ok(
    seen.some((m) => m.includes('recovered')),
    'and the recovery',
  );
  t.notOk(
    seen.some((m) => m.includes('shard-')),
    'no event data in operational messages',
  );
});
