// Issue 10 #9: a file that changes while it is hashed gets one verdict from every engine —
// E_FILE_CHANGED — in digest, offline verify and seal. The change is made from the progress
// callback, i.e. while the engine is reading (wasm, node) or just after it read (native, which
// reports once at the end): either way before the reader could have said "OK".
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger } from '../../lib/audit/index.js';
import { ENGINES, digestFileWith } from '../../lib/engines/digest-with-engine.js';
import { VramManager } from '../../lib/manager/vram-manager.js';
import { verifySealedFile } from '../../lib/seal/offline.js';

const TOKEN = 'test-worker-token-0123456789abcdef';
const LEAF = 4096;
const SIZE = 8 << 20; // several wasm chunks, so its progress comes mid-file
const work = mkdtempSync(join(tmpdir(), 'vrr-file-changes-'));
const CHANGED = { code: 'E_FILE_CHANGED', retriable: true };

const changes: Record<string, (path: string) => void> = {
  grows: (path) => appendFileSync(path, 'more'),
  'is rewritten in place': (path) => utimesSync(path, new Date(), new Date(Date.now() + 5000)),
};

/** A progress callback that changes the file once, the first time it is called. */
function changeOnce(path: string, change: (path: string) => void) {
  let done = false;
  return () => {
    if (!done) change(path);
    done = true;
  };
}

let n = 0;
function freshFile(): string {
  const path = join(work, `f${++n}.bin`);
  writeFileSync(path, randomBytes(SIZE));
  return path;
}

t.test('seal: a file that changes during the upload is not sealed', async (t) => {
  const audit = AuditLogger.open({ dir: join(work, 'audit'), service: 'w' });
  const manager = await VramManager.open({
    token: TOKEN,
    workerId: 'w',
    audit,
    backend: 'host-sim',
    policy: { allowSimulatedDevice: true },
    leafSize: LEAF,
    simulatedCapacityBytes: 4 * SIZE,
  });
  t.teardown(async () => {
    await manager.close();
    await audit.close();
  });
  for (const [what, change] of Object.entries(changes)) {
    const path = freshFile();
    const err = await manager.sealFile(path, { onProgress: changeOnce(path, change) }).catch((e) => e);
    t.match(err, { ...CHANGED, message: /changed while it was being read.*nothing was sealed/ }, `a file that ${what}`);
  }
  t.equal(manager.shards().length, 0, 'nothing resident');
  t.equal(manager.capacity().used, 0, 'no device memory held');
  t.equal((await manager.sealFile(freshFile())).size, SIZE, 'a still file seals');
});

for (const engine of ENGINES) {
  t.test(`${engine}: digest and verify refuse a file that changes while hashed`, async (t) => {
    for (const [what, change] of Object.entries(changes)) {
      const path = freshFile();
      await t.rejects(
        digestFileWith(engine, path, { leafSize: LEAF, onProgress: changeOnce(path, change) }),
        CHANGED,
        `digest: a file that ${what}`,
      );
    }
    // A record for the file as it is now, then a change during verification.
    const path = freshFile();
    const audit = AuditLogger.open({ dir: join(work, `audit-${engine}`), service: 'w' });
    const manager = await VramManager.open({
      token: TOKEN,
      workerId: 'w',
      audit,
      backend: 'host-sim',
      policy: { allowSimulatedDevice: true },
      leafSize: LEAF,
      simulatedCapacityBytes: 2 * SIZE,
    });
    const record = (await manager.sealFile(path, { computeContentSha256: true })).toRecord();
    await manager.close();
    await audit.close();
    t.equal(
      (await verifySealedFile(path, record, { token: TOKEN, engine })).shardId,
      record.shardId,
      'verifies while still',
    );
    for (const [what, change] of Object.entries(changes)) {
      await t.rejects(
        verifySealedFile(path, record, { token: TOKEN, engine, onProgress: changeOnce(path, change) }),
        CHANGED,
        `verify: a file that ${what}`,
      );
      if (what === 'grows') break; // the file is now longer than the record: later runs fail on size first
    }
  });
}
