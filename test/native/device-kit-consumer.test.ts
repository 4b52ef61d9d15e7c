// The device kit's Python consumer (scripts/device-kit/kit/handoff/consumer.py) against a real
// shared mapping: a Python exporter process holds a memfd with a safetensors file's bytes (as a
// host-sim lease export does) and the consumer maps /proc/<pid>/fd/<fd> read-only, compares every
// byte and every tensor with the file, and reports a changed file as a failure. A CUDA handle on a
// machine without CuPy is skipped with the reason. Needs python3 with NumPy (skipped otherwise).
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { repoRoot } from '../helpers/vectors.js';

const consumer = join(repoRoot, 'scripts', 'device-kit', 'kit', 'handoff', 'consumer.py');
const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const skip = numpy.error ? 'python3 is not installed' : numpy.status !== 0 ? 'python3 has no NumPy' : false;
const dir = mkdtempSync(join(tmpdir(), 'vrr-kit-consumer-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// A safetensors file: two tensors after an 8-byte length and a space-padded JSON header.
function safetensors(): { bytes: Buffer; tensors: object[] } {
  const f32 = Buffer.from(new Float32Array(4096).map((_, i) => i * 0.5 - 7).buffer);
  const u8 = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff));
  let json = Buffer.from(
    JSON.stringify({
      w: { dtype: 'F32', shape: [64, 64], data_offsets: [0, f32.length] },
      b: { dtype: 'U8', shape: [5000], data_offsets: [f32.length, f32.length + u8.length] },
    }),
  );
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  const start = 8 + json.length;
  return {
    bytes: Buffer.concat([prefix, json, f32, u8]),
    tensors: [
      { name: 'w', dtype: 'F32', shape: [64, 64], offset: start, length: f32.length },
      { name: 'b', dtype: 'U8', shape: [5000], offset: start + f32.length, length: u8.length },
    ],
  };
}

const EXPORTER = `import json, os, sys
data = open(sys.argv[1], "rb").read()
fd = os.memfd_create("vrr-kit-test", os.MFD_ALLOW_SEALING)
os.write(fd, data)
print(json.dumps({"pid": os.getpid(), "fd": fd}), flush=True)
sys.stdin.read()
`;

async function exporter(file: string): Promise<{ pid: number; fd: number; stop: () => void }> {
  const child = spawn('python3', ['-c', EXPORTER, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  return { ...JSON.parse(first), stop: () => child.stdin.end() };
}

function consume(t: Test, handle: object, model: string, tensors: object[]) {
  const file = join(dir, 'handle.json');
  writeFileSync(file, JSON.stringify(handle));
  const r = spawnSync('python3', [consumer, file, model, JSON.stringify(tensors)], { encoding: 'utf8' });
  t.equal(r.stderr, '', 'no traceback');
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
}

const base = { format: 'vram-residency.ipc.v1', offset: 0, shardId: 's', leaseId: 'l', leafSize: 65536 };

t.test('a host-memfd handle: mapped read-only, every byte and tensor equal the file', { skip }, async (t) => {
  const { bytes, tensors } = safetensors();
  const model = join(dir, 'model.safetensors');
  writeFileSync(model, bytes);
  const ex = await exporter(model);
  try {
    const handle = {
      ...base,
      kind: 'host-memfd',
      backend: 'host-sim',
      device: 0,
      pid: ex.pid,
      fd: ex.fd,
      length: bytes.length,
    };
    const ok = consume(t, handle, model, tensors);
    t.equal(ok.status, 'passed', ok.detail);
    t.match(
      ok.detail,
      new RegExp(
        `^host-memfd mapped read-only via /proc/${ex.pid}/fd/${ex.fd}: ${bytes.length} bytes equal the file .*, 2 tensors compared$`,
      ),
    );
    const changed = Buffer.from(bytes);
    changed[changed.length - 100]! ^= 1;
    const other = join(dir, 'other.safetensors');
    writeFileSync(other, changed);
    const bad = consume(t, handle, other, tensors);
    t.same(bad, { status: 'failed', detail: 'host-memfd: the mapped bytes differ from the sealed file' });
  } finally {
    ex.stop();
  }
});

const cupy = !skip && spawnSync('python3', ['-c', 'import cupy'], { encoding: 'utf8' }).status === 0;
t.test(
  'a CUDA handle without CuPy is skipped with the reason',
  { skip: skip || (cupy && 'CuPy is installed here') },
  async (t) => {
    const model = join(dir, 'model.safetensors');
    writeFileSync(model, safetensors().bytes);
    const handle = {
      ...base,
      kind: 'cuda-legacy',
      backend: 'cuda',
      device: 0,
      pid: 1,
      fd: -1,
      handle: '00'.repeat(64),
      length: 10,
    };
    const r = consume(t, handle, model, []);
    t.equal(r.status, 'skipped');
    t.match(r.detail, /CuPy|neither CuPy nor PyTorch/);
  },
);
