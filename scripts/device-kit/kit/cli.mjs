// The kit's CLI step: `vram-residency demo`, `seal` and `verify` from the packaged build, on the
// device (on a dry run: the simulated device). Prints one result line for the runner:
// {"rows":[{name,status,detail}],"figures":{...}}.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const kitDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(kitDir, 'package', 'dist', 'cli', 'main.js');
const onDevice = process.env.VRR_KIT_MODE === 'device';
const env = { ...process.env, VRAM_RESIDENCY_TOKEN: 'device-kit-token-0123456789abcdef', NO_COLOR: '1' };

function cli(argv) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [main, ...argv, '--json'], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  console.log(`$ vram-residency ${argv.join(' ')} --json  (exit ${r.status})\n${r.stdout}${r.stderr}`);
  if (r.status !== 0)
    throw new Error(
      `${argv[0]} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`,
    );
  return { out: JSON.parse(r.stdout), seconds: (Date.now() - t0) / 1000 };
}

const dir = mkdtempSync(join(process.env.VRR_KIT_WORK ?? tmpdir(), 'cli-'));
let row;
let figures;
try {
  const demo = cli(['demo', '--dir', join(dir, 'demo'), '--size', '64MiB']);
  if (!demo.out.ok || demo.out.simulated !== !onDevice)
    throw new Error(`demo: ok ${demo.out.ok}, simulated ${demo.out.simulated} (expected ${!onDevice})`);
  const model = join(dir, 'model.bin');
  writeFileSync(model, randomBytes(48 * 1024 * 1024 + 5));
  const sealed = cli(['seal', model, '--audit-dir', join(dir, 'audit'), ...(onDevice ? [] : ['--simulate'])]);
  const shard = sealed.out.shards[0];
  const verified = cli(['verify', model, '--seal', `${model}.seal.json`, '--engine', 'native']);
  if (!verified.out.ok) throw new Error('verify failed');
  figures = {
    demoSeconds: demo.seconds,
    sealSeconds: sealed.seconds,
    verifySeconds: verified.seconds,
    digest: shard.digest,
  };
  row = {
    name: 'cli',
    status: 'passed',
    detail: `demo ${demo.out.steps.length} steps ok (${onDevice ? 'on the GPU' : 'simulated'}), sealed 48 MiB ${String(shard.digest).slice(0, 24)}… in ${sealed.seconds.toFixed(1)} s, verified`,
  };
} catch (error) {
  row = { name: 'cli', status: 'failed', detail: String(error.message).split('\n')[0] };
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ rows: [row], ...(figures ? { figures } : {}) }));
