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
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The interrupt is sent only once the demo has reached the stage that writes into its temp
  // directory; a demo that never gets there (or exits first) fails here instead of passing vacuously.
  const reached = await new Promise<boolean>((resolve) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/create model file/.test(out)) resolve(true);
    };
    child.stdout.on('data', onData);
    void exited.then(() => resolve(false));
  });
  t.ok(reached, `the demo reached "create model file" before the interrupt${reached ? '' : `: ${out.slice(-300)}`}`);
  t.ok(readdirSync(temp).length > 0, 'its temp directory exists when it is interrupted');
  child.kill('SIGINT');
  const status = await exited;
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
