// A caller that transfers, shrinks or drops its buffer while a native operation runs must not
// crash the process: the native layer works on a private copy. Run in a child process so that a
// crash fails this test instead of killing the runner.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/vectors.js';

const native = pathToFileURL(join(repoRoot, 'dist', 'native', 'index.js')).href;

const cases: Record<string, string> = {
  'upload, buffer transferred away and collected': `
    const d = await openDevice({ backend: 'host-sim', capacityBytes: 1 << 27 });
    const a = await d.allocate(64 << 20);
    const u = new Uint8Array(64 << 20).fill(7);
    const p = a.upload(0, u);
    structuredClone(u.buffer, { transfer: [u.buffer] });
    globalThis.gc();
    await p;
    await a.free();`,
  'cpuEngine.mth, buffer transferred away and collected': `
    const u = new Uint8Array(64 << 20).fill(7);
    const p = cpuEngine.mth(u, 65536, 2);
    structuredClone(u.buffer, { transfer: [u.buffer] });
    globalThis.gc();
    await p;`,
  'cpuEngine.mth, resizable buffer shrunk to nothing': `
    const rab = new ArrayBuffer(64 << 20, { maxByteLength: 64 << 20 });
    const p = cpuEngine.mth(new Uint8Array(rab), 65536, 2);
    rab.resize(0);
    await p;`,
};

for (const [name, body] of Object.entries(cases)) {
  t.test(name, async (t) => {
    const script = `const { openDevice, cpuEngine } = await import(${JSON.stringify(native)});\n${body}\nprocess.stdout.write('done');`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    t.equal(r.signal, null, 'no crash signal');
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, 'done');
  });
}
