// Issue 10 #15: demo cleans up the temp directory it made (unless --keep), --threads has one limit
// for every engine, and --version answers.
import t from 'tap';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestFileWith } from '../../lib/engines/digest-with-engine.js';
import { CLI, runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/vectors.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-demo-flags-'));

t.test('--version prints the package version', async (t) => {
  const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;
  for (const flag of ['--version', '-V']) {
    const r = runCli(work, [flag]);
    t.equal(r.status, 0, flag);
    t.equal(r.stdout, `${version}\n`);
  }
});

t.test('demo without --dir removes its temp directory; --keep keeps it', async (t) => {
  const temp = mkdtempSync(join(work, 'tmp-'));
  const r = runCli(work, ['demo', '--size', '1MiB', '--json'], { env: { TMPDIR: temp } });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.json.kept, false);
  t.ok(r.json.dir.startsWith(temp), 'it did use the temp directory');
  t.same(readdirSync(temp), [], 'nothing left behind');
  const kept = runCli(work, ['demo', '--size', '1MiB', '--keep', '--json'], { env: { TMPDIR: temp } });
  t.equal(kept.status, 0, kept.stderr);
  t.equal(kept.json.kept, true);
  t.ok(existsSync(kept.json.files.model), '--keep keeps the files');
  const human = runCli(work, ['demo', '--size', '1MiB'], { env: { TMPDIR: temp } });
  t.match(human.stdout, /removed with their temp directory/);
  t.equal(readdirSync(temp).length, 1, 'only the --keep run remains');
});

t.test('demo interrupted: its temp directory goes too', async (t) => {
  const temp = mkdtempSync(join(work, 'tmp-int-'));
  const child = spawn(process.execPath, [CLI, 'demo', '--size', '64MiB'], {
    env: { ...process.env, TMPDIR: temp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  for (let i = 0; i < 300 && !/create model file/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.equal(status, 130);
  t.same(readdirSync(temp), [], 'nothing left behind');
});

t.test('--threads: one limit, the same answer from every engine', async (t) => {
  const file = join(work, 'f.bin');
  writeFileSync(file, randomBytes(70_000));
  for (const engine of ['wasm', 'native', 'node']) {
    const over = runCli(work, ['digest', file, '--engine', engine, '--threads', '65', '--json']);
    t.equal(over.status, 2, `${engine}: 65 threads refused`);
    t.match(over.json, {
      ok: false,
      error: { code: 'E_ARG', message: '--threads: must be an integer from 1 to 64, got "65"' },
    });
    // (64 wasm workers would start 64 threads on this shared machine: 64 is checked where it is cheap)
    if (engine !== 'wasm')
      t.equal(
        runCli(work, ['digest', file, '--engine', engine, '--threads', '64']).status,
        0,
        `${engine}: 64 accepted`,
      );
    await t.rejects(
      digestFileWith(engine as 'wasm', file, { leafSize: 4096, threads: 65 }),
      { code: 'E_ARG', argument: 'threads' },
      `SDK, ${engine}`,
    );
  }
});
