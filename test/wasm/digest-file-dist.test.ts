// digestFile as shipped (dist/, worker file resolved as .js) in a separate process: a 2 GiB file
// (sparse: all zero bytes, so no disk is used) digests correctly with peak RSS under 200 MiB.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, ftruncateSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';
import { hex, oracleLeafHash, oracleRootFromLeafHashes } from '../helpers/oracle.js';

const built = join(repoRoot, 'dist', 'engines', 'wasm-digest.js');
const GiB = 1024 ** 3;
const LEAF = 65536;

t.test(
  '2 GiB through dist/engines/wasm-digest.js: oracle digest, bounded memory',
  { skip: existsSync(built) ? false : `${built} is absent; run npm run build` },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vram-digest-dist-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'zeros.bin');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 2 * GiB);
    closeSync(fd);

    const script = `
    import { digestFile } from ${JSON.stringify(pathToFileURL(built).href)};
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
    const r = await digestFile(${JSON.stringify(path)}, { threads: 2, leafSize: ${LEAF} });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    console.log(JSON.stringify({ digest: Buffer.from(r.digest).toString('hex'), size: r.size, leafCount: r.leafCount, peak }));
  `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));

    const leafCount = (2 * GiB) / LEAF;
    const leafHash = oracleLeafHash(new Uint8Array(LEAF));
    const leafHashes = new Uint8Array(leafCount * 32);
    for (let i = 0; i < leafCount; i++) leafHashes.set(leafHash, i * 32);
    t.equal(out.digest, hex(oracleRootFromLeafHashes(leafHashes)), 'digest equals the oracle');
    t.equal(out.size, 2 * GiB);
    t.equal(out.leafCount, leafCount);
    t.ok(out.peak < 200 * 1024 * 1024, `peak RSS ${(out.peak / 2 ** 20).toFixed(0)} MiB < 200 MiB`);
  },
);
