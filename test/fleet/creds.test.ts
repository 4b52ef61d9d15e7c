// A creds file (user JWT + nkey seed) against nats-server in operator mode: the operator, account
// and user JWTs are made in the test with @nats-io/nkeys and signed by hand. The worker's user may
// publish only its own subjects and the shipper's JetStream API calls (as in docs/fleet.md).
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { freshDir, localLines, noServer, writeLog } from './helpers.js';
import { cliWith, operatorMode, shipOnce } from './identities.js';
import { NatsServer } from './nats-server.mjs';

const SHIPPER_API = [
  '$JS.API.INFO',
  '$JS.API.STREAM.INFO.VRAM_AUDIT',
  '$JS.API.STREAM.CREATE.VRAM_AUDIT',
  '$JS.API.STREAM.MSG.GET.VRAM_AUDIT',
];

t.test('audit ship and verify with creds files in operator mode', { skip: noServer }, async (t) => {
  const op = operatorMode();
  const srv = await NatsServer.start({ config: `${op.config}jetstream { store_dir: "set-by-the-test" }\n` });
  t.teardown(() => srv.stop());
  const dir = freshDir();
  await writeLog(dir, 100, 'gpu-node-1');
  const own = `${freshDir('creds')}-w1.creds`;
  writeFileSync(own, op.creds('gpu-node-1', ['vram.audit.gpu-node-1', 'vram.checkpoint.gpu-node-1', ...SHIPPER_API]), {
    mode: 0o600,
  });
  const shipped = shipOnce({}, dir, srv.url, '--creds', own);
  t.equal(shipped.status, 0, shipped.stdout + shipped.stderr);
  t.equal(shipped.json().published, localLines(dir).length);
  t.notMatch(shipped.stdout + shipped.stderr, /SU[A-Z2-7]{56}|eyJ/, 'neither seed nor JWT is printed');

  const other = `${freshDir('creds')}-w2.creds`;
  writeFileSync(
    other,
    op.creds('gpu-node-2', ['vram.audit.gpu-node-2', 'vram.checkpoint.gpu-node-2', ...SHIPPER_API]),
    { mode: 0o600 },
  );
  const refused = shipOnce({}, dir, srv.url, '--creds', other);
  t.equal(refused.status, 2);
  t.match(refused.json().error, {
    code: 'E_FLEET_PERMISSION',
    subject: undefined,
    message: /may not publish on vram\.audit\.gpu-node-1/,
  });

  // A read-only verifier identity (creds) verifies the chain and cannot publish.
  const verifierCreds = `${freshDir('creds')}-v.creds`;
  const readOnly = [
    '$JS.API.INFO',
    '$JS.API.STREAM.INFO.VRAM_AUDIT',
    '$JS.API.STREAM.MSG.GET.VRAM_AUDIT',
    '$JS.API.CONSUMER.CREATE.VRAM_AUDIT.>',
    '$JS.API.CONSUMER.INFO.VRAM_AUDIT.>',
    '$JS.API.CONSUMER.DELETE.VRAM_AUDIT.>',
    '$JS.API.CONSUMER.MSG.NEXT.VRAM_AUDIT.>',
  ];
  writeFileSync(verifierCreds, op.creds('verifier', readOnly), { mode: 0o600 });
  const verified = cliWith({}, 'audit', 'verify', '--nats', srv.url, '--creds', verifierCreds, '--json');
  t.equal(verified.status, 0, verified.stdout + verified.stderr);
  t.match(verified.json().services, [{ service: 'gpu-node-1', intact: true, records: localLines(dir).length }]);
  const verifierShips = shipOnce({}, dir, srv.url, '--creds', verifierCreds);
  t.equal(verifierShips.json().error.code, 'E_FLEET_PERMISSION', 'the verifier identity cannot ship');

  const notCreds = shipOnce({}, dir, srv.url, '--creds', dir + '/../');
  t.equal(notCreds.json().error.code, 'E_ARG');
});
