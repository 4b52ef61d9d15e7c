// Issue 21 item 8: bundles are read strictly, through the real CLI and the browser-safe parser.
// A member named twice (JSON.parse keeps the last; another reader may keep the first), a member
// no reader here checks, and a transparency-log entry (SPEC §5 says tlogEntries is [] — a reader
// could believe one was verified) are each refused as malformed; the unmutated bundle verifies.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBundle } from '../../lib/attest/dsse.js';
import { cliIn } from '../helpers/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-strict-bundle-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const cli = cliIn(work);
const shard = join(work, 'shard.bin');
const bundlePath = join(work, 'shard.bundle.json');

t.before(() => {
  writeFileSync(shard, randomBytes(50_000));
  const keys = cli(['keygen', '--out', join(work, 'ed'), '--alg', 'ed25519']);
  if (keys.status !== 0) throw new Error(keys.stderr);
  const sealed = cli([
    'seal',
    shard,
    '--simulate',
    '--audit-dir',
    join(work, 'audit'),
    '--sign-key',
    join(work, 'ed.key'),
    '--bundle-out',
    bundlePath,
  ]);
  if (sealed.status !== 0) throw new Error(sealed.stderr);
});

const verify = (text: string) => {
  const path = join(work, `mutant-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(path, text);
  return cli(['verify', shard, '--bundle', path, '--pubkey', join(work, 'ed.pub'), '--json'], {
    VRAM_RESIDENCY_TOKEN: '',
  });
};

t.test('the bundle as written verifies', async (t) => {
  const r = verify(readFileSync(bundlePath, 'utf8'));
  t.equal(r.status, 0, r.stderr);
});

t.test('duplicate members, unknown members and tlog entries are malformed', async (t) => {
  const text = readFileSync(bundlePath, 'utf8').trim();
  const b = JSON.parse(text);
  const envelope = JSON.stringify(b.dsseEnvelope);
  const other = JSON.stringify({ ...b.dsseEnvelope, payload: Buffer.from('{}').toString('base64') });
  const mutants: [string, string, RegExp][] = [
    ['two dsseEnvelope members', `${text.slice(0, -1)},"dsseEnvelope":${envelope}}`, /appears twice/],
    [
      'two dsseEnvelope members, the other first',
      `{"dsseEnvelope":${other},${text.slice(1)}`,
      /"dsseEnvelope" appears twice/,
    ],
    [
      'two hint members',
      text.replace(/"hint":("[0-9a-f]{64}")/, `"hint":"${'0'.repeat(64)}","hint":$1`),
      /"hint" appears twice/,
    ],
    ['an extra top-level member', JSON.stringify({ ...b, note: 'trust me' }), /unknown member "note"/],
    [
      'an extra verificationMaterial member',
      JSON.stringify({ ...b, verificationMaterial: { ...b.verificationMaterial, timestampVerificationData: {} } }),
      /unknown member "timestampVerificationData"/,
    ],
    [
      'an extra signature member',
      JSON.stringify({
        ...b,
        dsseEnvelope: { ...b.dsseEnvelope, signatures: [{ ...b.dsseEnvelope.signatures[0], cert: 'x' }] },
      }),
      /unknown member "cert"/,
    ],
    [
      'a made-up transparency-log entry',
      JSON.stringify({
        ...b,
        verificationMaterial: { ...b.verificationMaterial, tlogEntries: [{ logIndex: '1', kindVersion: {} }] },
      }),
      /tlogEntries must be empty/,
    ],
  ];
  for (const [what, mutant, message] of mutants) {
    t.doesNotThrow(() => JSON.parse(mutant), `${what}: JSON.parse accepts it`);
    const r = verify(mutant);
    t.equal(r.status, 1, `${what}: exit 1`);
    t.match(r.json, { ok: false, error: { code: 'E_MALFORMED', reason: 'malformed', message } }, what);
    t.throws(
      () => parseBundle(mutant, { requireHint: true }),
      { code: 'E_MALFORMED', message },
      `${what}: parseBundle`,
    );
  }
});
