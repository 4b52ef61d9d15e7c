// Issue 10 #2, #8, #10 on the command line: the seal record file a user points `verify --seal` at
// is read as a capped regular file and parsed strictly, and never takes the process down.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-record-input-'));
const model = join(work, 'model.bin');
writeFileSync(model, randomBytes(9000));
const recordPath = join(work, 'model.seal.json');
const sealed = runCli(work, [
  'seal',
  model,
  '--simulate',
  '--leaf-size',
  '4096',
  '--audit-dir',
  join(work, 'audit'),
  '--out',
  recordPath,
]);
const recordText = readFileSync(recordPath, 'utf8');

t.test('the fixture sealed', async (t) => t.equal(sealed.status, 0, sealed.stderr));

t.test('#2: a record with a 100 MiB modelRef is malformed (status 1), not a heap crash', async (t) => {
  const huge = join(work, 'huge.seal.json');
  writeFileSync(
    huge,
    recordText.replace(/"modelRef": null/, () => `"modelRef": "${'m'.repeat(100 << 20)}"`),
  );
  const r = runCli(work, ['verify', model, '--seal', huge, '--json'], { nodeArgs: ['--max-old-space-size=256'] });
  t.equal(r.signal, null, 'not killed');
  t.equal(r.status, 1, r.stderr.slice(0, 300));
  t.match(r.json, { ok: false, error: { code: 'E_MALFORMED', message: /larger than any seal record/ } });
});

t.test('#8: --seal and --token-file must be small regular files: no endless read, no blocking on a FIFO', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const fifo = join(work, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const bigToken = join(work, 'big.token');
  writeFileSync(bigToken, 'x'.repeat(1 << 20));
  const cases: [string[], RegExp][] = [
    [['--seal', '/dev/zero'], /--seal: \/dev\/zero is not a regular file/],
    [['--seal', fifo], /--seal: .*pipe is not a regular file/],
    [['--seal', work], /--seal: .* is not a regular file/],
    [['--seal', recordPath, '--token-file', '/dev/zero'], /--token-file: \/dev\/zero is not a regular file/],
    [['--seal', recordPath, '--token-file', fifo], /--token-file: .*pipe is not a regular file/],
    [['--seal', recordPath, '--token-file', bigToken], /--token-file: .*larger than 4098 bytes/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(work, ['verify', model, ...args, '--json'], { timeoutMs: 20_000 });
    t.equal(r.signal, null, `${args.join(' ')}: ends by itself`);
    t.equal(r.status, 2, args.join(' '));
    t.match(r.json, { ok: false, error: { code: 'E_ARG', message } });
  }
  for (const input of ['/dev/zero', fifo]) {
    const r = runCli(
      work,
      ['seal', input, '--simulate', '--audit-dir', join(work, 'audit-8'), '--out', join(work, 'x.seal.json'), '--json'],
      { timeoutMs: 20_000 },
    );
    t.equal(r.status, 2, `seal ${input}`);
    t.match(r.json, { ok: false, error: { code: 'E_ARG', message: /not a regular file/ } });
  }
});

t.test('#10: records that JSON.parse forgives but a strict reader does not are malformed', async (t) => {
  const record = JSON.parse(recordText);
  const variants: Record<string, string> = {
    'a member twice (the last one wins in JSON.parse)': recordText.replace(
      '"size": 9000',
      '"size": 1,\n  "size": 9000',
    ),
    'size as 9e3': recordText.replace('"size": 9000', '"size": 9e3'),
    'size as 9000.0': recordText.replace('"size": 9000', '"size": 9000.0'),
    'device as -0': recordText.replace('"device": 0', '"device": -0'),
  };
  t.equal(record.size, 9000);
  for (const [what, text] of Object.entries(variants)) {
    t.not(text, recordText, `${what}: the variant differs from the record`);
    t.same(JSON.parse(text), record, `${what}: JSON.parse reads the same record`);
    const path = join(work, 'variant.seal.json');
    writeFileSync(path, text);
    const r = runCli(work, ['verify', model, '--seal', path, '--json']);
    t.equal(r.status, 1, what);
    t.match(r.json, { ok: false, error: { code: 'E_MALFORMED' } }, what);
  }
  t.equal(runCli(work, ['verify', model, '--seal', recordPath]).status, 0, 'the record as written still verifies');
});
