// Issue 10 #1: a token that is not well-formed UTF-8 is refused (E_ARG, status 2), from a file and
// from the environment, so two different tokens can never derive the same seal key.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, parsedJson, runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-token-'));
const model = join(work, 'model.bin');
writeFileSync(model, randomBytes(10_000));
const prefix = Buffer.from('worker-token-0123456789-');
const tokenFile = (name: string, tail: number[]) => {
  const path = join(work, name);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(tail), Buffer.from('\n')]));
  return path;
};
const ff = tokenFile('ff.token', [0xff]);
const fe = tokenFile('fe.token', [0xfe]);
const replacement = tokenFile('fffd.token', [0xef, 0xbf, 0xbd]); // a real U+FFFD, well-formed UTF-8

t.test('--token-file with bytes that are not UTF-8 is refused before sealing', async (t) => {
  for (const file of [ff, fe]) {
    const r = runCli(
      work,
      [
        'seal',
        model,
        '--simulate',
        '--token-file',
        file,
        '--audit-dir',
        join(work, 'audit-bad'),
        '--out',
        join(work, 'bad.seal.json'),
        '--json',
      ],
      { env: { VRAM_RESIDENCY_TOKEN: '' } },
    );
    t.equal(r.status, 2, r.stderr);
    t.match(r.json, { ok: false, error: { code: 'E_ARG', message: /--token-file.*not well-formed UTF-8/ } });
    t.notMatch(r.stdout + r.stderr, prefix.toString(), 'the token is not echoed');
  }
});

t.test('a real U+FFFD token seals; the byte tokens that used to collide with it are refused at verify', async (t) => {
  const record = join(work, 'fffd.seal.json');
  const sealed = runCli(
    work,
    [
      'seal',
      model,
      '--simulate',
      '--token-file',
      replacement,
      '--audit-dir',
      join(work, 'audit'),
      '--out',
      record,
      '--json',
    ],
    { env: { VRAM_RESIDENCY_TOKEN: '' } },
  );
  t.equal(sealed.status, 0, sealed.stderr);
  t.equal(
    runCli(work, ['verify', model, '--seal', record, '--token-file', replacement]).status,
    0,
    'its own token verifies',
  );
  for (const file of [ff, fe]) {
    const r = runCli(work, ['verify', model, '--seal', record, '--token-file', file, '--json']);
    t.equal(r.status, 2, 'not a verdict on the record: the token itself is unusable');
    t.match(r.json, { ok: false, error: { code: 'E_ARG' } });
  }
});

t.test('the environment: raw bytes that are not UTF-8 are refused, a real U+FFFD is accepted', async (t) => {
  const record = join(work, 'fffd.seal.json');
  // spawn() can only pass UTF-8 strings, so a shell puts the raw byte into the environment.
  const withEnvBytes = (octalTail: string) => {
    const r = spawnSync(
      '/bin/sh',
      [
        '-c',
        `VRAM_RESIDENCY_TOKEN="$(printf '${prefix.toString()}${octalTail}')" exec "$0" "$@"`,
        process.execPath,
        CLI,
        'verify',
        model,
        '--seal',
        record,
        '--json',
      ],
      { encoding: 'utf8' },
    );
    return { status: r.status, json: parsedJson(r.stdout), stderr: r.stderr };
  };
  for (const tail of ['\\377', '\\376']) {
    const r = withEnvBytes(tail);
    t.equal(r.status, 2, r.stderr);
    t.match(r.json, { ok: false, error: { code: 'E_ARG', message: /VRAM_RESIDENCY_TOKEN.*not well-formed UTF-8/ } });
  }
  const ok = withEnvBytes('\\357\\277\\275');
  t.equal(ok.status, 0, `U+FFFD given as UTF-8 bytes is a valid token: ${ok.stderr}`);
});
