// `vram-residency verifier`: a real child process of the built CLI writes the page; the page it
// writes is the built one, self-contained (nothing to fetch: no src/href to anywhere, no <link>,
// the WASM inline) and locked down by its Content-Security-Policy.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';

const CLI = join(repoRoot, 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'vrr-verifier-cli-'));
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: work });

t.test('writes the built page and says where, with its SHA-256', async (t) => {
  const out = join(work, 'page.html');
  const r = run(['verifier', '--out', out, '--json']);
  t.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const bytes = readFileSync(out);
  t.same(bytes, readFileSync(join(repoRoot, 'dist', 'verifier.html')));
  t.same(doc, { ok: true, file: out, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  const human = run(['verifier', '--out', 'relative.html']);
  t.equal(human.status, 0);
  t.match(human.stdout, /wrote .*relative\.html \([\d.]+ KiB, sha256 [0-9a-f]{64}\)\nOpen it in any current browser/);
});

t.test('the page is self-contained and cannot reach the network', async (t) => {
  const html = readFileSync(join(repoRoot, 'dist', 'verifier.html'), 'utf8');
  t.notMatch(html, /<link\b/i, 'no linked resources');
  t.notMatch(html, /<(script|img|iframe|embed|object|source)\b[^>]*\bsrc=/i, 'no element loads a src');
  t.notMatch(html, /\b(href|action)="(?!#)/i, 'no links or form targets that leave the page');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
  for (const directive of ["default-src 'none'", "connect-src 'none'", 'worker-src blob:', "form-action 'none'"])
    t.ok(csp.includes(directive), directive);
  t.match(html, /AGFzbQ/, 'the WASM module (\\0asm in base64) is inline');
  for (const id of ['model-file', 'record-file', 'pubkey-file', 'audit-files', 'token', 'verify', 'result'])
    t.match(html, new RegExp(`id="${id}"`), `#${id}`);
});

t.test('without --out it writes vram-residency-verifier.html here', async (t) => {
  const r = run(['verifier', '--json']);
  t.equal(r.status, 0, r.stderr);
  t.match(JSON.parse(r.stdout), { ok: true, file: join(work, 'vram-residency-verifier.html') });
  t.same(
    readFileSync(join(work, 'vram-residency-verifier.html')),
    readFileSync(join(repoRoot, 'dist', 'verifier.html')),
  );
});

t.test('environment errors exit 2 with one sentence', async (t) => {
  const unwritable = run(['verifier', '--out', join(work, 'no-such-dir', 'page.html'), '--json']);
  t.equal(unwritable.status, 2);
  t.match(JSON.parse(unwritable.stdout), {
    ok: false,
    error: { code: 'E_IO', message: /cannot write .*page\.html \(ENOENT\)/ },
  });
});
