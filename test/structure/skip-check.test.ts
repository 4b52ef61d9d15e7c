// CI's last step, .ci/check-skips.mjs, on TAP results made here: a run whose skips are all on the
// allow-list passes; a new skip, a todo, a listed test skipped for another reason or a test file
// that left no result fails with a line naming it. The real allow-list is checked to parse and to
// name test files and tests that exist.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { repoRoot } from '../helpers/vectors.js';

const script = join(repoRoot, '.ci', 'check-skips.mjs');

interface Fixture {
  results: Record<string, string>;
  tests: string[];
  allow: unknown;
}

function check(f: Fixture) {
  const base = mkdtempSync(join(tmpdir(), 'vrr-skips-'));
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  for (const file of f.tests) {
    mkdirSync(dirname(join(base, file)), { recursive: true });
    writeFileSync(join(base, file), '');
  }
  for (const [file, tap] of Object.entries(f.results)) {
    const p = join(base, 'results', `${file}.tap`);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, tap);
  }
  writeFileSync(join(base, 'allow.json'), JSON.stringify(f.allow));
  // --tests names test/ inside the temporary base so that result names read "test/...".
  const r = spawnSync(
    process.execPath,
    [script, '--results', join(base, 'results'), '--tests', join(base, 'test'), '--allow', join(base, 'allow.json')],
    { cwd: base, encoding: 'utf8' },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const gpuTap = [
  'TAP version 14',
  '# Subtest: cases',
  '    ok 1 - passes',
  '    1..1',
  'ok 1 - cases # time=1ms',
  '',
  'ok 2 - a second GPU when present # SKIP 1 CUDA device(s) here',
  '1..2',
].join('\n');
const secondGpu = {
  file: 'test/native/gpu-eq.test.ts',
  test: 'a second GPU when present',
  reason: '^[01] CUDA device\\(s\\) here$',
  why: 'one GPU here',
};

t.test('every skip on the allow-list: exit 0', async (t) => {
  const r = check({
    tests: ['test/native/gpu-eq.test.ts', 'test/a.test.ts'],
    results: { 'test/native/gpu-eq.test.ts': gpuTap, 'test/a.test.ts': 'ok 1 - fine\n1..1\n' },
    allow: [secondGpu],
  });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /2 test files ran; 1 skip\(s\), all on the allow-list/);
});

t.test('a new skip, nested in a subtest, fails and is named with its reason', async (t) => {
  const nested = [
    '# Subtest: the fleet',
    '    ok 1 - ships # SKIP nats-server is not installed',
    '    1..1',
    'ok 1 - the fleet # time=1ms',
    '1..1',
  ].join('\n');
  const r = check({
    tests: ['test/native/gpu-eq.test.ts', 'test/fleet/x.test.ts'],
    results: { 'test/native/gpu-eq.test.ts': gpuTap, 'test/fleet/x.test.ts': nested },
    allow: [secondGpu],
  });
  t.equal(r.status, 1);
  t.match(r.stderr, 'unlisted SKIP: test/fleet/x.test.ts > the fleet > ships: nats-server is not installed');
  t.match(r.stderr, /FAILED - 1 problem/);
});

t.test('a listed test skipped for another reason, a todo, a skipped file: each fails', async (t) => {
  const r = check({
    tests: ['test/native/gpu-eq.test.ts', 'test/b.test.ts', 'test/c.test.ts'],
    results: {
      'test/native/gpu-eq.test.ts': gpuTap.replace('1 CUDA device(s) here', 'the addon did not load'),
      'test/b.test.ts': 'ok 1 - later # TODO write it\n1..1\n',
      'test/c.test.ts': '1..0 # skip no chromium\n',
    },
    allow: [secondGpu],
  });
  t.equal(r.status, 1);
  t.match(r.stderr, 'unlisted SKIP: test/native/gpu-eq.test.ts > a second GPU when present: the addon did not load');
  t.match(r.stderr, 'unlisted TODO: test/b.test.ts > later: write it');
  t.match(r.stderr, 'unlisted SKIP: test/c.test.ts > : no chromium');
});

t.test('a test file without a result (it did not run) fails', async (t) => {
  const r = check({
    tests: ['test/native/gpu-eq.test.ts', 'test/never-ran.test.ts'],
    results: { 'test/native/gpu-eq.test.ts': gpuTap },
    allow: [secondGpu],
  });
  t.equal(r.status, 1);
  t.match(r.stderr, 'no result for test/never-ran.test.ts: it did not run');
});

t.test('an allow-list entry without a reason why is refused (exit 2)', async (t) => {
  const r = check({
    tests: ['test/native/gpu-eq.test.ts'],
    results: { 'test/native/gpu-eq.test.ts': gpuTap },
    allow: [{ ...secondGpu, why: '' }],
  });
  t.equal(r.status, 2);
  t.match(r.stderr, /entry 0 needs a non-empty "why"/);
});

t.test('the real allow-list names test files and tests that exist', async (t) => {
  const list = JSON.parse(readFileSync(join(repoRoot, '.ci', 'skip-allowlist.json'), 'utf8')) as {
    file: string;
    test: string;
    reason: string;
    why: string;
  }[];
  t.ok(list.length > 0);
  for (const e of list) {
    t.ok(existsSync(join(repoRoot, e.file)), `${e.file} exists`);
    t.ok(readFileSync(join(repoRoot, e.file), 'utf8').includes(`'${e.test}'`), `${e.file} has the test "${e.test}"`);
    t.doesNotThrow(() => new RegExp(e.reason), 'reason is a regular expression');
    t.ok(e.why.length > 20, 'says why');
  }
});
