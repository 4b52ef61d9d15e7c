// Where people stumble, with the real binary: a file given to the wrong option, a directory to
// seal, a token on the command line, --out one.json for several inputs, the worker-id rule,
// `help audit ship`, the defaults people expect (verify-model finds DIR/model.sig, verifier's
// --out), the demo's free-space check and --simulated-capacity, plurals, colour and NO_COLOR.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { randomBytes } from '../helpers/random-bytes.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-hints-'));
const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(work, args, { env });
const model = join(work, 'model.bin');
writeFileSync(model, randomBytes(300_000, 24));

t.test('setup: a key pair, a seal record and a seal bundle', async (t) => {
  t.equal(cli(['keygen', '--out', 'worker']).status, 0);
  const r = cli(['seal', model, '--simulate', '--sign-key', 'worker.key', '--audit-dir', 'audit', '--json']);
  t.equal(r.status, 0, r.stderr);
  t.ok(existsSync(`${model}.seal.json`) && existsSync(`${model}.bundle.json`));
});

t.test('a file given to the wrong option says which option takes it', async (t) => {
  const bundleAsSeal = cli(['verify', model, '--seal', `${model}.bundle.json`]);
  t.equal(bundleAsSeal.status, 2);
  t.match(
    bundleAsSeal.stderr,
    /looks like a seal bundle .*: use --bundle .*model\.bin\.bundle\.json --pubkey KEY\.pub/,
  );
  const recordAsBundle = cli(['verify', model, '--bundle', `${model}.seal.json`, '--pubkey', 'worker.pub']);
  t.equal(recordAsBundle.status, 2);
  t.match(recordAsBundle.stderr, /looks like a seal record, not a seal bundle: use --seal .*model\.bin\.seal\.json/);
  const both = cli(['verify', model, '--bundle', `${model}.bundle.json`, '--pubkey', 'worker.pub']);
  t.equal(both.status, 0, `the right option still works: ${both.stderr}`);
  t.match(both.stdout, /OK .*model\.bin: matches the signed seal .* \(293\.0 KiB, mth-sha256/);
});

t.test('seal DIR without --model-sig says how to seal a model directory', async (t) => {
  const dir = join(work, 'a-model');
  mkdirSync(dir);
  const r = cli(['seal', dir, '--simulate', '--audit-dir', 'audit']);
  t.equal(r.status, 2);
  t.match(
    r.stderr,
    /a-model is a directory: to seal a model directory, give its signature — seal .*a-model --model-sig .*model\.sig/,
  );
});

t.test('--token is refused with the options that take a token, and the value is not repeated', async (t) => {
  for (const args of [
    ['verify', model, '--seal', `${model}.seal.json`, '--token', 'hunter2-hunter2-hunter2'],
    ['verify', model, '--seal', `${model}.seal.json`, '--token=hunter2-hunter2-hunter2', '--json'],
  ]) {
    const r = cli(args);
    t.equal(r.status, 2);
    t.match(r.stderr, /tokens are never taken from arguments .*: use --token-env VAR .* or --token-file FILE/);
    t.notMatch(r.stderr + r.stdout, /hunter2/);
    if (args.includes('--json')) t.match(r.json, { ok: false, error: { code: 'E_USAGE' } });
  }
});

t.test('--out one.json with several inputs refuses instead of making a directory of that name', async (t) => {
  const second = join(work, 'second.bin');
  writeFileSync(second, randomBytes(70_000, 25));
  const r = cli(['seal', model, second, '--simulate', '--audit-dir', 'audit', '--out', 'one.json']);
  t.equal(r.status, 2);
  t.match(r.stderr, /one\.json names one file, but 2 inputs each get their own record: give a directory/);
  t.notOk(existsSync(join(work, 'one.json')), 'nothing was created');
});

t.test('--worker-id errors say the rule in words', async (t) => {
  const r = cli(['seal', model, '--simulate', '--audit-dir', 'audit', '--worker-id', 'my worker/1', '--out', 'w.json']);
  t.equal(r.status, 2);
  t.match(r.stderr, /--worker-id: must be 1 to 128 characters, each a letter, a digit or one of \. _ : -/);
  t.notMatch(r.stderr, /\^\[/, 'no regular expression');
});

t.test('help audit ship prints the help of audit ship', async (t) => {
  const r = cli(['help', 'audit', 'ship']);
  t.equal(r.status, 0);
  t.match(r.stdout, /Usage: vram-residency audit ship/);
  t.match(r.stdout, /--nats <url>/);
});

t.test('verify-model finds DIR/model.sig; verifier writes vram-residency-verifier.html by default', async (t) => {
  const dir = join(work, 'signed-model');
  mkdirSync(dir);
  writeFileSync(join(dir, 'weights.bin'), randomBytes(5000, 26));
  t.equal(cli(['keygen', '--out', 'publisher', '--alg', 'p256']).status, 0);
  t.equal(cli(['sign-model', dir, '--key', 'publisher.key']).status, 0);
  const v = cli(['verify-model', dir, '--pubkey', 'publisher.pub']);
  t.equal(v.status, 0, v.stderr);
  t.match(v.stdout, /OK .*signed-model: 1 file, /, 'and "1 file", not "1 file(s)"');
  const page = cli(['verifier']);
  t.equal(page.status, 0, page.stderr);
  t.ok(statSync(join(work, 'vram-residency-verifier.html')).size > 10_000);
});

t.test('demo: free space checked first; --simulated-capacity; human units', async (t) => {
  const big = cli(['demo', '--size', '1000TiB']);
  t.equal(big.status, 2);
  t.match(big.stderr, /needs 1000\.0 TiB .* but .* has [\d.]+ [KMGT]iB free: choose a smaller --size/);
  const small = cli(['demo', '--size', '4MiB', '--simulated-capacity', '2MiB', '--json']);
  t.equal(small.status, 1, 'a 4 MiB model does not fit a 2 MiB simulated device');
  t.match(JSON.stringify(small.json), /needs 4\.0 MiB \(4194304 bytes\) of device memory but only 2\.0 MiB/);
  // Large enough for progress lines (they come per 16 MiB read).
  const ok = cli(['demo', '--size', '64MiB', '--simulated-capacity', '8GiB']);
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.stdout, /64\.0 MiB at /);
  t.match(ok.stderr, /re-hashing 64\.0 MiB in device memory…/, 'the full re-hash says what it is doing');
  // Progress lines in a log (not a terminal): each percentage is that of the bytes on its line.
  const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 2 ** 20, GiB: 2 ** 30 };
  const lines = [...ok.stderr.matchAll(/: (\d+)% \(([\d.]+) (B|KiB|MiB|GiB) of ([\d.]+) (B|KiB|MiB|GiB)\)/g)];
  t.ok(lines.length >= 6, `progress lines for the seal and the offline verify:\n${ok.stderr}`);
  for (const [line, percent, done, doneUnit, total, totalUnit] of lines) {
    const actual = (100 * Number(done) * units[doneUnit!]!) / (Number(total) * units[totalUnit!]!);
    t.ok(Math.abs(actual - Number(percent)) < 3, `${line}: ${percent}% of the bytes shown`);
  }
  t.match(
    cli(['demo', '--size', '4MiB', '--simulated-capacity', 'lots']).stderr,
    /--simulated-capacity: "lots" is not a size/,
  );
});

t.test('colour: on when forced, never with NO_COLOR, never into a pipe by default', async (t) => {
  const args = ['verify', model, '--bundle', `${model}.bundle.json`, '--pubkey', 'worker.pub'];
  t.match(cli(args, { NO_COLOR: undefined, FORCE_COLOR: '1' }).stdout, /\x1b\[32mOK\x1b\[39m/);
  t.notMatch(cli(args, { NO_COLOR: '1', FORCE_COLOR: '1' }).stdout, /\x1b\[/);
  t.notMatch(cli(args, { NO_COLOR: undefined, FORCE_COLOR: undefined }).stdout, /\x1b\[/);
});

t.test('the seal record on disk still reads as a record (the hints do not get in the way)', async (t) => {
  const text = readFileSync(`${model}.seal.json`, 'utf8');
  t.match(JSON.parse(text), { format: 'vram-residency.seal.v1' });
  const r = cli(['verify', model, '--seal', `${model}.seal.json`]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /OK .*model\.bin: matches seal .* \(293\.0 KiB, mth-sha256/);
});
