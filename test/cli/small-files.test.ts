// Issue 21 #1 through the real CLI: every flag that names a small input file (keys, bundles,
// signatures, verification keys, checkpoint notes) goes through the one hardened reader. A FIFO
// (which would block forever), /dev/zero (which grew a buffer until the process aborted) and a
// file over its kind's cap are each refused at once with E_ARG naming the flag, and exit 2.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMALL_FILE_LIMITS, type SmallFileKind } from '../../lib/cli/small-file.js';
import { runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-small-files-'));
const fifo = join(work, 'pipe');
execFileSync('mkfifo', [fifo]);
const model = join(work, 'model.bin');
writeFileSync(model, 'some model bytes\n');
const modelDir = join(work, 'model');
mkdirSync(modelDir);
writeFileSync(join(modelDir, 'a.bin'), 'weights\n');
const plain = join(work, 'plain.txt'); // a regular small file: stands in for a flag read after the one tested
writeFileSync(plain, 'not checked before the flag under test is read\n');
const logDir = join(work, 'log');
mkdirSync(logDir);

/** Each flag with its kind and a command line that reads it: BAD marks the file under test. */
const BAD = '\u0000bad';
const cases: { flag: string; kind: SmallFileKind; args: string[] }[] = [
  { flag: '--bundle', kind: 'bundle', args: ['verify', model, '--bundle', BAD, '--pubkey', plain] },
  { flag: '--pubkey', kind: 'key', args: ['verify', model, '--bundle', plain, '--pubkey', BAD] },
  {
    flag: '--sign-key',
    kind: 'key',
    args: [
      'seal',
      model,
      '--simulate',
      '--sign-key',
      BAD,
      '--out',
      join(work, 'o.json'),
      '--audit-dir',
      join(work, 'audit'),
    ],
  },
  { flag: '--key', kind: 'key', args: ['sign-model', modelDir, '--key', BAD] },
  { flag: '--sig', kind: 'signature', args: ['verify-model', modelDir, '--sig', BAD, '--pubkey', plain] },
  { flag: '--pubkey', kind: 'key', args: ['verify-model', modelDir, '--sig', plain, '--pubkey', BAD] },
  {
    flag: '--model-sig',
    kind: 'signature',
    args: ['seal', modelDir, '--simulate', '--model-sig', BAD, '--model-pubkey', plain, '--out', join(work, 'out')],
  },
  {
    flag: '--model-pubkey',
    kind: 'key',
    args: ['seal', modelDir, '--simulate', '--model-sig', plain, '--model-pubkey', BAD, '--out', join(work, 'out')],
  },
  { flag: '--vkey', kind: 'key', args: ['audit', 'verify', logDir, '--vkey', BAD] },
  { flag: '--checkpoint', kind: 'note', args: ['audit', 'verify', logDir, '--checkpoint', BAD, '--pubkey', plain] },
  { flag: '--pubkey', kind: 'key', args: ['audit', 'verify', logDir, '--checkpoint', plain, '--pubkey', BAD] },
];

function oversized(kind: SmallFileKind): string {
  const path = join(work, `big-${kind}`);
  writeFileSync(path, '');
  truncateSync(path, SMALL_FILE_LIMITS[kind] + 1); // sparse: no real bytes written
  return path;
}

for (const { flag, kind, args } of cases) {
  t.test(
    `${args[0]}${args[0] === 'audit' ? ' verify' : ''} ${flag}: a FIFO, /dev/zero and an oversized file are refused`,
    async (t) => {
      const inputs: [string, RegExp][] = [
        [fifo, /is not a regular file \(a FIFO\)/],
        ['/dev/zero', /is not a regular file \(a device\)/],
        [oversized(kind), new RegExp(`more than any ${kind} file`)],
      ];
      for (const [input, why] of inputs) {
        // A hang would hit the timeout (status null) instead of blocking the suite.
        const r = runCli(work, [...args.map((a) => (a === BAD ? input : a)), '--json'], { timeoutMs: 20_000 });
        t.equal(r.signal, null, `${input}: not killed`);
        t.equal(r.status, 2, `${input}: exit 2 (${r.stderr.slice(0, 200)})`);
        t.match(r.json, { ok: false, error: { code: 'E_ARG' } }, input);
        const message = String(r.json?.error?.message ?? '');
        t.ok(message.startsWith(`${flag}: `), `${input}: the error names ${flag}: ${message}`);
        t.match(message, why, input);
      }
    },
  );
}

t.test('the reader still reads what fits: a regular key file of the right size is parsed', async (t) => {
  const r = runCli(work, ['keygen', '--alg', 'p256', '--out', join(work, 'k'), '--json']);
  t.equal(r.status, 0, r.stderr);
  const sign = runCli(work, ['sign-model', modelDir, '--key', join(work, 'k.key'), '--json']);
  t.equal(sign.status, 0, sign.stderr);
  const verify = runCli(work, [
    'verify-model',
    modelDir,
    '--sig',
    join(modelDir, 'model.sig'),
    '--pubkey',
    join(work, 'k.pub'),
    '--json',
  ]);
  t.equal(verify.status, 0, verify.stderr);
});
