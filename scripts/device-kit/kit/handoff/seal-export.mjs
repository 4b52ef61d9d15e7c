// The sealed-memory hand-off (issue 23's lease API): this process seals a small safetensors file
// on the device, leases it (`vram.lease(shard, { purpose })`), lists its tensors
// (`lease.tensors()`), exports an IPC handle (`lease.exportIpc()`) and hands it to
//   1. a second Node process (import-hash.mjs: `openIpcLease(handle)`, hash on the device, compare
//      with the seal's digest), and
//   2. a Python consumer (consumer.py: CuPy maps the handle, `torch.from_dlpack` reads the tensor,
//      bytes compared with the file) when python3 has CuPy or PyTorch; skipped with the reason if not.
// The API is detected at run time: a build without it reports "not available in this build" as a
// failed step. Prints one result line for the runner: {"rows":[...],"figures":{...}}.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..', '..', 'package');
const onDevice = process.env.VRR_KIT_MODE === 'device';
const cap = Number(/^--cap=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 75);
const started = Date.now();
const left = () => Math.max(5, cap - 3 - (Date.now() - started) / 1000);
const sdk = await import(join(pkg, 'dist', 'index.js'));
const nativeIndex = await import(join(pkg, 'dist', 'native', 'index.js'));
const openIpcLease = sdk.openIpcLease ?? nativeIndex.openIpcLease;
const rows = [];
const row = (name, status, detail, extra = {}) => rows.push({ name, status, detail, ...extra });
const finish = (figures) => {
  console.log(JSON.stringify({ rows, ...(figures ? { figures } : {}) }));
  process.exit(0);
};

const missing = [
  typeof sdk.VramManager?.prototype?.lease === 'function' ? null : 'VramManager.lease',
  typeof openIpcLease === 'function' ? null : 'openIpcLease',
].filter(Boolean);
if (missing.length > 0) {
  row(
    'handoff-node',
    'failed',
    `not available in this build: the packaged SDK has no ${missing.join(' or ')} (issue 23)`,
  );
  row(
    'handoff-python',
    'skipped',
    'not run: no exported handle (the lease API is not available in this build, see handoff-node)',
  );
  finish();
}

// A safetensors file: 8-byte header length, JSON header, then the tensors' bytes.
function writeSafetensors(path) {
  const f32 = new Float32Array(256 * 1024).map((_, i) => Math.sin(i) * 1000);
  const u8 = new Uint8Array(3 * 65536 + 11).map((_, i) => (i * 31 + 7) & 0xff);
  const header = {
    __metadata__: { note: 'vram-residency device kit hand-off' },
    'layer.weight': { dtype: 'F32', shape: [256, 1024], data_offsets: [0, f32.byteLength] },
    'layer.bytes': { dtype: 'U8', shape: [u8.length], data_offsets: [f32.byteLength, f32.byteLength + u8.length] },
  };
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([prefix, json, Buffer.from(f32.buffer), u8]));
}

function lastJson(stdout) {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1));
  } catch {
    return null;
  }
}

function runConsumer(name, command, args) {
  const t0 = Date.now();
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: left() * 1000,
    killSignal: 'SIGKILL',
    env: process.env,
  });
  console.log(`--- ${name}: ${command} ${args.join(' ')} (exit ${r.status}) ---\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  const out = lastJson(r.stdout ?? '');
  const seconds = (Date.now() - t0) / 1000;
  if (r.error?.code === 'ETIMEDOUT') return { status: 'failed', detail: 'timed out', seconds };
  if (r.error) return { status: 'failed', detail: `could not run ${command} (${r.error.code})`, seconds };
  if (!out) return { status: 'failed', detail: `exit ${r.status} without a result line`, seconds };
  return { ...out, seconds };
}

async function handOff(dir) {
  const audit = sdk.AuditLogger.open({ dir: join(dir, 'audit'), service: 'device-kit', flush: { mode: 'hybrid' } });
  const vram = await sdk.VramManager.open({
    token: 'device-kit-token-0123456789abcdef',
    workerId: 'device-kit',
    audit,
    leafSize: 65536,
    backend: onDevice ? 'cuda' : 'host-sim',
    ...(onDevice ? {} : { policy: { allowSimulatedDevice: true } }),
  });
  try {
    const model = join(dir, 'model.safetensors');
    writeSafetensors(model);
    const shard = await vram.sealFile(model);
    const lease = await vram.lease(shard, { purpose: 'device-kit hand-off' });
    const tensors = await lease.tensors();
    const handle = await lease.exportIpc();
    const handleFile = join(dir, 'handle.json');
    writeFileSync(handleFile, typeof handle === 'string' ? handle : JSON.stringify(handle));
    const kind = (typeof handle === 'string' ? JSON.parse(handle) : handle).kind;
    const node = runConsumer('second Node process', process.execPath, [join(here, 'import-hash.mjs'), handleFile]);
    const names = tensors.map((t) => t.name).sort();
    const tensorsOk = names.join(',') === 'layer.bytes,layer.weight';
    const nodeOk = node.status === 'passed' && node.digest === shard.digest && tensorsOk;
    row(
      'handoff-node',
      nodeOk ? 'passed' : 'failed',
      nodeOk
        ? `${kind} handle: a second process hashed the sealed bytes on the device = seal digest ${shard.digest.slice(0, 16)}…, ${tensors.length} tensors listed`
        : `${node.detail ?? ''} (digest ${node.digest ?? 'none'} vs seal ${shard.digest}; tensors listed: ${names.join(', ') || 'none'})`,
      { seconds: node.seconds },
    );
    const py = runConsumer('Python consumer', 'python3', [
      join(here, 'consumer.py'),
      handleFile,
      model,
      JSON.stringify(
        tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, offset: t.offset, length: t.length })),
      ),
    ]);
    if (py.detail?.startsWith('could not run python3'))
      row('handoff-python', 'skipped', 'python3 is not on PATH', { seconds: py.seconds });
    else row('handoff-python', py.status, py.detail, { seconds: py.seconds });
    await lease.release();
    await vram.release(shard);
    return {
      kind,
      digest: shard.digest,
      tensors: tensors.length,
      nodeSeconds: node.seconds,
      pythonSeconds: py.seconds,
    };
  } finally {
    await vram.close();
    await audit.close();
  }
}

const dir = mkdtempSync(join(process.env.VRR_KIT_WORK ?? tmpdir(), 'handoff-'));
try {
  finish(await handOff(dir));
} catch (error) {
  if (!rows.some((r) => r.name === 'handoff-node'))
    row('handoff-node', 'failed', `${error.code ?? 'error'}: ${String(error.message).split('\n')[0]}`);
  if (!rows.some((r) => r.name === 'handoff-python'))
    row('handoff-python', 'skipped', 'not run: the hand-off failed before a handle was exported (see handoff-node)');
  finish();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
