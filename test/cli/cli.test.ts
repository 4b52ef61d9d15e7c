// The command line as a user meets it: real child processes of the built CLI (dist/cli/main.js,
// rebuilt by `npm test`'s pretest), exit statuses 0/1/2, --json shapes and error sentences.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { nativeStatus } from '../../lib/native/index.js';
import { hex, oracleMth } from '../helpers/oracle.js';
import { localVectorsDir, patternBytes, readVectorJson, repoRoot, vectorSources } from '../helpers/vectors.js';

const localSource = { label: 'test/vectors', dir: localVectorsDir, skip: false as const };

// The demo runs on a real GPU when one is usable here and on the simulated device otherwise.
const gpu = ((s) => s.loaded && s.cudaDeviceCount > 0)(nativeStatus());

const CLI = join(repoRoot, 'dist', 'cli', 'main.js');
const TOKEN = 'test-worker-token-0123456789abcdef';
const work = mkdtempSync(join(tmpdir(), 'vrr-cli-'));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

function cli(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, VRAM_RESIDENCY_TOKEN: TOKEN, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

const model = join(work, 'model.bin');
writeFileSync(model, randomBytes(300_000));

t.test('help and usage errors', async (t) => {
  const help = cli(['--help']);
  t.equal(help.status, 0);
  for (const c of ['doctor', 'demo', 'seal', 'verify', 'digest', 'audit', 'bench']) t.match(help.stdout, c);
  for (const c of ['seal', 'verify', 'digest', 'demo', 'doctor', 'bench'])
    t.equal(cli([c, '--help']).status, 0, `${c} --help`);
  t.equal(cli(['audit', 'verify', '--help']).status, 0);
  const unknown = cli(['digest', model, '--no-such-flag']);
  t.equal(unknown.status, 2, 'unknown flag: status 2');
  t.match(unknown.stderr, /unknown option '--no-such-flag'/);
  t.equal(cli(['no-such-command']).status, 2);
  t.equal(cli(['digest']).status, 2, 'missing argument');
});

t.test('doctor', async (t) => {
  const r = cli(['doctor', '--json']);
  t.equal(r.status, 0);
  t.type(r.json.addon.loaded, 'boolean');
  t.type(r.json.verdict, 'string');
  t.equal(r.json.wasmSimd, true);
  t.ok(Array.isArray(r.json.devices));
  if (r.json.addon.loaded) t.match(r.json.hostSimIpc, { available: true, kind: 'host-memfd' }, 'IPC availability');
  t.match(cli(['doctor']).stdout, /verdict:/);
});

t.test('digest: every engine equals the oracle and the tree vector; bad input is a clear error', async (t) => {
  // Random bytes against independent answers: node:crypto's SHA-256 and the test oracle's tree.
  const bytes = readFileSync(model);
  const expected = {
    digest: hex(oracleMth(bytes, 4096)),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  // And a SPEC tree vector (several levels, a partial last leaf), answered by the vector itself.
  const vector = readVectorJson(localSource, 'tree.json').cases.find(
    (c: { leafSize: number; size: number }) => c.leafSize === 65536 && c.size === 327679,
  );
  const vectorFile = join(work, 'tree-vector.bin');
  writeFileSync(vectorFile, patternBytes(vector.size));
  for (const engine of ['wasm', 'native', 'node']) {
    const r = cli(['digest', model, '--engine', engine, '--sha256', '--leaf-size', '4096', '--json']);
    t.equal(r.status, 0, engine);
    t.match(r.json, { size: 300_000, leafSize: 4096, digestAlg: 'mth-sha256', engine });
    t.same({ digest: r.json.digest, sha256: r.json.sha256 }, expected, `${engine}: digest and SHA-256 = the oracle`);
    const v = cli(['digest', vectorFile, '--engine', engine, '--sha256', '--leaf-size', '65536', '--json']);
    t.same(
      { size: v.json?.size, digest: v.json?.digest, sha256: v.json?.sha256 },
      { size: vector.size, digest: vector.digest, sha256: vector.contentSha256 },
      `${engine}: the tree vector (${vector.size} bytes, 64 KiB leaves)`,
    );
  }
  const missing = cli(['digest', join(work, 'nope.bin')]);
  t.equal(missing.status, 2);
  t.match(missing.stderr, /no such file/);
  writeFileSync(join(work, 'empty.bin'), '');
  const empty = cli(['digest', join(work, 'empty.bin'), '--json']);
  t.equal(empty.status, 2);
  t.match(empty.json, { ok: false, error: { code: 'E_ARG', message: /empty/ } });
  t.equal(cli(['digest', model, '--leaf-size', '1000']).status, 2);
  t.equal(cli(['digest', model, '--engine', 'gpu']).status, 2);
});

t.test('seal --simulate, then verify offline; failures give the SPEC reason and status 1', async (t) => {
  const audit = join(work, 'audit');
  const sealed = cli([
    'seal',
    model,
    '--simulate',
    '--worker-id',
    'w-1',
    '--model-ref',
    'demo/model',
    '--audit-dir',
    audit,
    '--leaf-size',
    '4096',
    '--json',
  ]);
  t.equal(sealed.status, 0, sealed.stderr);
  t.match(sealed.stderr, /simulated device/);
  const recordPath = `${model}.seal.json`;
  const record = JSON.parse(readFileSync(recordPath, 'utf8'));
  t.match(record, {
    format: 'vram-residency.seal.v1',
    backend: 'host-sim',
    workerId: 'w-1',
    modelRef: 'demo/model',
    size: 300_000,
  });
  t.equal(sealed.json.shards[0].digest, record.digest);
  t.notMatch(sealed.stdout + sealed.stderr + readFileSync(recordPath, 'utf8'), TOKEN, 'the token is never printed');

  for (const engine of ['wasm', 'native', 'node']) {
    const ok = cli(['verify', model, '--seal', recordPath, '--engine', engine, '--json']);
    t.equal(ok.status, 0, `verify with ${engine}`);
    t.match(ok.json, { ok: true, shardId: record.shardId });
  }
  const wrong = cli(['verify', model, '--seal', recordPath, '--json'], {
    VRAM_RESIDENCY_TOKEN: 'another-worker-token-0123456789',
  });
  t.equal(wrong.status, 1);
  t.match(wrong.json, { ok: false, error: { code: 'E_WRONG_KEY', reason: 'wrong key' } });

  const tokenFile = join(work, 'token.txt');
  writeFileSync(tokenFile, TOKEN + '\n');
  t.equal(
    cli(['verify', model, '--seal', recordPath, '--token-file', tokenFile], { VRAM_RESIDENCY_TOKEN: '' }).status,
    0,
    '--token-file',
  );
  const noToken = cli(['verify', model, '--seal', recordPath], { VRAM_RESIDENCY_TOKEN: '' });
  t.equal(noToken.status, 2);
  t.match(noToken.stderr, /VRAM_RESIDENCY_TOKEN/);

  const tampered = join(work, 'tampered.bin');
  const bytes = readFileSync(model);
  bytes[123_456]! ^= 0x10;
  writeFileSync(tampered, bytes);
  const digestBad = cli(['verify', tampered, '--seal', recordPath]);
  t.equal(digestBad.status, 1);
  t.match(digestBad.stderr, /FAILED: digest mismatch/);

  const malformedPath = join(work, 'malformed.seal.json');
  writeFileSync(malformedPath, JSON.stringify({ ...record, leafSize: 1000 }));
  const malformed = cli(['verify', model, '--seal', malformedPath, '--json']);
  t.equal(malformed.status, 1);
  t.match(malformed.json.error, { code: 'E_MALFORMED', message: /leafSize/ });
  writeFileSync(malformedPath, '{ not json');
  t.equal(cli(['verify', model, '--seal', malformedPath]).status, 1);
  t.equal(cli(['verify', model, '--seal', join(work, 'none.json')]).status, 2, 'missing record file');
  t.equal(cli(['verify', join(work, 'none.bin'), '--seal', recordPath]).status, 2, 'missing data file');

  const auditOk = cli(['audit', 'verify', audit, '--json']);
  t.equal(auditOk.status, 0);
  t.match(auditOk.json, { intact: true, records: 5 });
  const query = cli(['audit', 'query', audit, '--type', 'vram.sealed', '--json']);
  t.equal(query.status, 0);
  t.equal(query.json.length, 1);
  t.equal(query.json[0].data.shard_id, record.shardId);
});

t.test('seal refuses without --simulate where there is no GPU, and several shards get index/count', async (t) => {
  const noGpu = cli(['seal', model, '--audit-dir', join(work, 'audit2')]);
  if (noGpu.status !== 0) {
    t.equal(noGpu.status, 2);
    t.match(noGpu.stderr, /no usable CUDA device .*add --simulate/);
    t.notMatch(noGpu.stderr, /--debug/, 'a known condition is one sentence, not a pointer to a stack trace');
  }
  const a = join(work, 'part-a.bin');
  const b = join(work, 'part-b.bin');
  writeFileSync(a, randomBytes(5000));
  writeFileSync(b, randomBytes(7000));
  const out = join(work, 'records');
  const r = cli(['seal', a, b, '--simulate', '--out', out, '--audit-dir', join(work, 'audit3'), '--json']);
  t.equal(r.status, 0, r.stderr);
  t.same(
    r.json.shards.map((s: any) => [s.shardIndex, s.shardCount]),
    [
      [0, 2],
      [1, 2],
    ],
  );
  const rec = JSON.parse(readFileSync(join(out, 'part-b.bin.seal.json'), 'utf8'));
  t.equal(rec.shardIndex, 1);
  t.equal(
    cli(['seal', a, '--simulate', '--expect-sha256', '0'.repeat(64), '--audit-dir', join(work, 'audit4')]).status,
    1,
    'checksum mismatch is a failed check',
  );
});

for (const source of vectorSources()) {
  t.test(`audit verify on the vectors from ${source.label}`, { skip: source.skip }, async (t) => {
    const dir = join(source.dir, 'audit-intact');
    const ok = cli(['audit', 'verify', dir, '--json']);
    t.equal(ok.status, 0);
    t.match(ok.json, { intact: true, records: 7, segments: 2 });
    const copy = join(work, `audit-copy-${source.label.replace('/', '-')}`);
    cpSync(dir, copy, { recursive: true });
    const anchor = `${ok.json.head.seq}:${ok.json.head.hash}`;
    const cut = join(work, `audit-cut-${source.label.replace('/', '-')}`);
    cpSync(dir, cut, { recursive: true });
    rmSync(join(cut, 'audit-000000000004.jsonl'));
    t.equal(cli(['audit', 'verify', cut]).status, 0, 'a removed last segment alone looks intact…');
    const anchored = cli(['audit', 'verify', cut, '--anchor', anchor]);
    t.equal(anchored.status, 1, '…but not against the anchor kept from before');
    t.match(anchored.stderr, /anchor/);
    t.equal(cli(['audit', 'verify', cut, '--anchor', 'nonsense']).status, 2);
    const seg = join(copy, 'audit-000000000004.jsonl');
    writeFileSync(seg, readFileSync(seg, 'utf8').replace('"seq":5', '"seq":6'));
    const broken = cli(['audit', 'verify', copy]);
    t.equal(broken.status, 1);
    t.match(broken.stderr, /audit-000000000004\.jsonl:2/);
  });
}

t.test('audit verify on a directory that is not an audit log', async (t) => {
  const notLog = join(work, 'not-a-log');
  mkdirSync(notLog);
  writeFileSync(join(notLog, 'readme.txt'), 'hello');
  const r = cli(['audit', 'verify', notLog]);
  t.equal(r.status, 2);
  t.match(r.stderr, /not an audit log/);
  t.equal(cli(['audit', 'verify', join(work, 'missing-dir')]).status, 2);
  t.equal(cli(['audit', 'query', notLog, '--severity', 'loud']).status, 2);
});

t.test('demo end to end (GPU when usable, else the simulated device)', async (t) => {
  const r = cli(['demo', '--dir', join(work, 'demo'), '--size', '4MiB', '--json']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.json.ok, true);
  t.equal(r.json.simulated, !gpu, gpu ? 'a usable GPU: the demo runs on it' : 'no GPU: the simulated device');
  t.same(
    r.json.steps.map((s: any) => s.step),
    [
      'create model file',
      'seal into device memory',
      'verify in full (device re-hash)',
      'verify by 16 sampled leaves',
      'inject a bit flip in device memory',
      'verify in full catches it',
      'release (zero + free)',
      'verify the audit log',
      'verify the file offline (WASM)',
    ],
  );
  t.ok(r.json.steps.every((s: any) => s.ok));
  t.match(r.json.steps[5].result, /digest mismatch/);
  t.equal(cli(['audit', 'verify', r.json.files.auditDir]).status, 0);
  const human = cli(['demo', '--dir', join(work, 'demo2'), '--size', '1MiB']);
  t.equal(human.status, 0);
  if (gpu) t.notMatch(human.stdout, /simulated device/);
  else t.match(human.stdout, /simulated device/);
  t.match(human.stdout, /✓ verify the file offline \(WASM\)/);
});

t.test('seal --hold re-verifies until interrupted, then releases', async (t) => {
  const { spawn } = await import('node:child_process');
  const file = join(work, 'held.bin');
  writeFileSync(file, randomBytes(20_000));
  const audit = join(work, 'audit-hold');
  const child = spawn(
    process.execPath,
    [CLI, 'seal', file, '--simulate', '--hold', '--interval', '0.2', '--samples', '2', '--audit-dir', audit],
    {
      cwd: work,
      env: { ...process.env, VRAM_RESIDENCY_TOKEN: TOKEN },
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 150 && !/round 3:/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  t.equal(await exited, 0, 'SIGINT releases and exits 0');
  t.match(out, /round 3: 1 shard verified \(sample\)/);
  const log = cli(['audit', 'query', audit, '--json']);
  const types: string[] = log.json.map((r: any) => r.type);
  t.ok(types.filter((x) => x === 'seal.verified').length >= 3, 'each round is audited');
  t.same(types.slice(-2), ['vram.deallocated', 'audit.log_closed']);
});

t.test(
  'on a terminal: a progress bar, and emphasis unless NO_COLOR',
  { skip: existsSync('/usr/bin/script') ? false : 'util-linux `script` (a pseudo-terminal) is not installed' },
  async (t) => {
    const big = join(work, 'big.bin');
    writeFileSync(big, randomBytes(24 << 20));
    const underPty = (command: string, env: Record<string, string | undefined>) =>
      spawnSync('/usr/bin/script', ['-qec', command, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, VRAM_RESIDENCY_TOKEN: TOKEN, ...env },
        timeout: 60_000,
      }).stdout;
    const digest = underPty(`${process.execPath} ${CLI} digest ${big} --engine node`, {});
    t.match(digest, /digest \[=+\] 100% \| 24\.0\/24\.0 MiB/, 'a cli-progress bar reaches 100%');
    t.match(digest, /mth-sha256 [0-9a-f]{64}/);
    t.match(
      underPty(`${process.execPath} ${CLI} doctor`, { NO_COLOR: undefined }),
      /\x1b\[1mverdict:/,
      'bold verdict on a terminal',
    );
    t.notMatch(
      underPty(`${process.execPath} ${CLI} doctor`, { NO_COLOR: '1' }),
      /\x1b\[1m/,
      'no emphasis with NO_COLOR',
    );
    const piped = cli(['digest', big, '--engine', 'node']);
    t.notMatch(piped.stdout + piped.stderr, /\x1b\[/, 'no escape codes when output is not a terminal');
  },
);

t.test('review findings: one JSON document, usage errors as usage errors', async (t) => {
  const usage = cli(['verify', '--json']);
  t.equal(usage.status, 2);
  t.match(
    usage.json,
    { ok: false, error: { code: 'E_USAGE', message: /file/ } },
    'a commander usage error still prints JSON with --json',
  );
  t.match(
    cli(['verify', model, '--json']).json,
    { ok: false, error: { code: 'E_ARG', message: /--seal.*--bundle/ } },
    'neither --seal nor --bundle',
  );
  const hold = cli([
    'seal',
    model,
    '--simulate',
    '--audit-dir',
    join(work, 'audit-h2'),
    '--json',
    '--hold',
    '--interval',
    '0',
  ]);
  t.equal(hold.status, 2);
  t.match(
    hold.json,
    { ok: false, error: { code: 'E_ARG', message: /--interval/ } },
    'bad --interval is refused before sealing, one document',
  );
  t.equal(
    cli(['seal', model, '--simulate', '--audit-dir', join(work, 'audit-h3'), '--hold', '--samples', 'x']).status,
    2,
  );
  t.match(
    cli(['seal', model, '--simulate', '--worker-id', 'x'.repeat(129), '--audit-dir', join(work, 'audit-h4')]).stderr,
    /--worker-id/,
  );
  t.equal(cli(['digest', model, '--threads', '0x1']).status, 2);
  t.equal(cli(['seal', model, '--simulate', '--device', '', '--audit-dir', join(work, 'audit-h5')]).status, 2);
  const missing = cli(['audit', 'query', join(work, 'no-such-dir'), '--json']);
  t.equal(missing.status, 2);
  t.match(missing.json, { ok: false, error: { code: 'E_ARG', message: /ENOENT: no such directory/ } });
  const small = cli(['demo', '--dir', join(work, 'demo-small'), '--size', '2KiB', '--json']);
  t.equal(small.status, 0, 'the smallest demo injects its fault inside the file');
  t.equal(cli(['demo', '--size', '500']).status, 2, 'a too-small --size is a usage error');
});
