// Issue 21 item 9: a private key file readable by group or others is warned about, as ssh does —
// on stderr and, with --json, in the result's `warnings` — for `seal --sign-key`, `sign-model
// --key` and a checkpoint key given to the audit logger as a path (its operational log). A 0600
// key gives no warning. Warned, not refused: see docs/formats.md.
import t from 'tap';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, type ILogObj } from 'tslog';
import { AuditLogger } from '../../lib/audit/index.js';
import { cliIn } from '../helpers/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-key-mode-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const cli = cliIn(work);

t.before(() => {
  for (const alg of ['ed25519', 'p256']) {
    const r = cli(['keygen', '--out', join(work, alg), '--alg', alg]);
    if (r.status !== 0) throw new Error(r.stderr);
  }
});

t.test('seal --sign-key and sign-model --key warn about a key readable by others', async (t) => {
  const shard = join(work, 'shard.bin');
  writeFileSync(shard, randomBytes(20_000));
  const model = join(work, 'model');
  mkdirSync(model);
  writeFileSync(join(model, 'w.bin'), randomBytes(1000));
  const seal = (json: boolean) =>
    cli([
      'seal',
      shard,
      '--simulate',
      '--audit-dir',
      join(work, 'audit'),
      '--sign-key',
      join(work, 'ed25519.key'),
      '--out',
      join(work, `rec-${randomBytes(3).toString('hex')}.json`),
      '--bundle-out',
      join(work, `b-${randomBytes(3).toString('hex')}.json`),
      ...(json ? ['--json'] : []),
    ]);
  const signModel = () => cli(['sign-model', model, '--key', join(work, 'p256.key'), '--json']);

  const quiet = seal(true);
  t.equal(quiet.status, 0, quiet.stderr);
  t.notMatch(quiet.stderr, /accessible by others/, '0600: no warning');
  t.equal(quiet.json.warnings, undefined);

  chmodSync(join(work, 'ed25519.key'), 0o644);
  chmodSync(join(work, 'p256.key'), 0o640);
  const human = seal(false);
  t.equal(human.status, 0, 'warned, not refused');
  t.match(
    human.stderr,
    /warning: the private key --sign-key .*ed25519\.key is accessible by others \(mode 0644\).*chmod 600/,
  );
  const json = seal(true);
  t.equal(json.status, 0);
  t.match(json.json, { ok: true, warnings: [/--sign-key .*\(mode 0644\)/] });
  const signed = signModel();
  t.equal(signed.status, 0, signed.stderr);
  t.match(signed.json, { ok: true, warnings: [/--key .*\(mode 0640\)/] });
  t.match(signed.stderr, /warning: .*mode 0640/);
  t.notOk(signed.stderr.includes(readFileSync(join(work, 'p256.key'), 'utf8').split('\n')[1]!), 'no key material');
});

t.test('a checkpoint key file readable by others is warned about in the operational log', async (t) => {
  const keyPath = join(work, 'checkpoint.key');
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o644 });
  chmodSync(keyPath, 0o644);
  const seen: string[] = [];
  const log = new Logger<ILogObj>({ type: 'hidden' });
  log.attachTransport((o) => seen.push(JSON.stringify(o)));
  const open = () =>
    AuditLogger.open({
      dir: join(work, `log-${randomBytes(3).toString('hex')}`),
      service: 'svc',
      operationalLog: log,
      checkpoints: { privateKey: keyPath, keyName: 'svc.audit', everySeconds: 3600 },
    });
  await open().close();
  t.match(seen.join('\n'), /the checkpoint key .*checkpoint\.key is accessible by others \(mode 0644\)/);
  seen.length = 0;
  chmodSync(keyPath, 0o600);
  await open().close();
  t.notMatch(seen.join('\n'), /accessible by others/);
});
