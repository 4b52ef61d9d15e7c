// Server-enforced identities (SPEC §7, "who may publish"): nats-server runs the permissions
// configuration from docs/fleet.md; each worker ships only its own subjects, the server refuses
// another worker's and an anonymous client's publishes there, the verifier is read-only, and
// `audit ship` names a missing permission before publishing anything. TLS with a test CA and
// client certificates, and a token from the environment.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, headers, usernamePasswordAuthenticator, nkeyAuthenticator } from '@nats-io/transport-node';
import { freshDir, localLines, noServer, streamLines, writeLog } from './helpers.js';
import { cliWith, docsServerConfig, makePki, nkeyUser, shipOnce } from './identities.js';
import { NatsServer } from './nats-server.mjs';

const WORKER2_PASSWORD = 'pw-2-9f8e7d6c5b4a';
const VERIFIER_PASSWORD = 'pw-verifier-1a2b3c4d';

t.test('per-worker permissions from docs/fleet.md are enforced by the server', { skip: noServer }, async (t) => {
  const w1 = nkeyUser();
  const srv = await NatsServer.start({
    config: docsServerConfig(),
    env: { GPU_NODE_1_NKEY: w1.publicKey, GPU_NODE_2_PASSWORD: WORKER2_PASSWORD, VERIFIER_PASSWORD },
  });
  t.teardown(() => srv.stop());
  const keys = freshDir('keys');
  const seedFile = `${keys}-w1.nk`;
  writeFileSync(seedFile, `${w1.seed}\n`, { mode: 0o600 });
  const env = { W2_PW: WORKER2_PASSWORD, V_PW: VERIFIER_PASSWORD };

  // Worker 1 ships its log with its nkey.
  const log1 = freshDir();
  await writeLog(log1, 200, 'gpu-node-1');
  const shipped = shipOnce(env, log1, srv.url, '--nkey', seedFile);
  t.equal(shipped.status, 0, shipped.stderr);
  t.equal(shipped.json().published, localLines(log1).length);
  for (const r of [shipped]) t.notMatch(r.stdout + r.stderr, w1.seed, 'the seed is never printed');

  // Worker 2's identity publishing into worker 1's subject: refused by the server.
  const nc2 = await connect({
    servers: srv.url,
    authenticator: usernamePasswordAuthenticator('gpu-node-2', WORKER2_PASSWORD),
  });
  const h = headers();
  h.set('Nats-Msg-Id', 'forged');
  const refused = await nc2.request('vram.audit.gpu-node-1', '{"forged":true}', { headers: h, timeout: 3000 }).then(
    () => null,
    (e: Error) => e,
  );
  t.match(
    refused,
    { cause: { name: 'PermissionViolationError', operation: 'publish', subject: 'vram.audit.gpu-node-1' } },
    "the server refuses worker 2's publish on worker 1's subject",
  );
  await nc2.close();

  // Worker 2's shipper pointed at worker 1's log: the start-up probe names the missing permission.
  const wrong = shipOnce(env, log1, srv.url, '--user', 'gpu-node-2', '--password-env', 'W2_PW');
  t.equal(wrong.status, 2, wrong.stdout);
  t.match(wrong.json().error, { code: 'E_FLEET_PERMISSION', message: /may not publish on vram\.audit\.gpu-node-1/ });
  t.notMatch(wrong.stdout + wrong.stderr, WORKER2_PASSWORD, 'the password is never printed');

  // Worker 2 ships its own log with its password from the environment.
  const log2 = freshDir();
  await writeLog(log2, 50, 'gpu-node-2');
  const own = shipOnce(env, log2, srv.url, '--user', 'gpu-node-2', '--password-env', 'W2_PW');
  t.equal(own.status, 0, own.stdout + own.stderr);

  // No credentials: the server refuses the connection.
  const anon = await connect({ servers: srv.url, reconnect: false }).then(
    async (nc) => {
      await nc.close();
      return null;
    },
    (e: Error) => e,
  );
  t.match(anon, { message: /Authorization Violation/i }, 'an anonymous client is refused');
  const anonShip = shipOnce({}, log1, srv.url);
  t.equal(anonShip.status, 2);
  t.match(anonShip.json().error, { code: 'E_FLEET_PERMISSION', message: /refused the identity \(no credentials\)/ });
  const badPw = shipOnce({ W2_PW: 'wrong' }, log2, srv.url, '--user', 'gpu-node-2', '--password-env', 'W2_PW');
  t.equal(badPw.json().error.code, 'E_FLEET_PERMISSION');
  t.notMatch(badPw.stdout + badPw.stderr, /wrong/, 'a wrong password is not echoed either');

  // The verifier: read-only. It verifies both services; it cannot publish on vram.>.
  const ncv = await connect({
    servers: srv.url,
    authenticator: usernamePasswordAuthenticator('verifier', VERIFIER_PASSWORD),
  });
  const denied = await ncv.request('vram.audit.gpu-node-1', 'x', { timeout: 3000 }).then(
    () => null,
    (e: Error) => e,
  );
  t.match(
    denied,
    { cause: { name: 'PermissionViolationError', operation: 'publish' } },
    'the verifier may not publish',
  );
  await ncv.close();
  const verified = cliWith(
    env,
    'audit',
    'verify',
    '--nats',
    srv.url,
    '--user',
    'verifier',
    '--password-env',
    'V_PW',
    '--json',
  );
  t.equal(verified.status, 0, verified.stdout + verified.stderr);
  t.same(
    verified.json().services.map((s: { service: string; intact: boolean }) => [s.service, s.intact]),
    [
      ['gpu-node-1', true],
      ['gpu-node-2', true],
    ],
  );
  t.same(verified.json().foreign, []);
  // Nothing but worker 1's own records on its subject.
  const admin = await connect({
    servers: srv.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(w1.seed)),
  });
  await admin.close();
  t.same(await streamLinesAs(srv.url, 'vram.audit.gpu-node-1', env), localLines(log1));
});

/** The subject's messages, read through the verifier identity (CLI-independent check). */
async function streamLinesAs(url: string, subject: string, _env: Record<string, string>): Promise<string[]> {
  return streamLines(url, subject, 'VRAM_AUDIT', usernamePasswordAuthenticator('verifier', VERIFIER_PASSWORD));
}

t.test('TLS with a test CA and a client certificate; a token from the environment', { skip: noServer }, async (t) => {
  const pki = makePki(freshDir('pki'));
  const token = 'tok-5e6f7a8b9c0d1e2f';
  const config = `authorization { token: $NATS_TEST_TOKEN }
tls {
  cert_file: "${pki.serverCert}"
  key_file: "${pki.serverKey}"
  ca_file: "${pki.ca}"
  verify: true
}
`;
  const srv = await NatsServer.start({ config, env: { NATS_TEST_TOKEN: token } });
  t.teardown(() => srv.stop());
  const url = `tls://127.0.0.1:${srv.port}`;
  const log = freshDir();
  await writeLog(log, 100, 'gpu-node-1');
  const tls = ['--tls-ca', pki.ca, '--tls-cert', pki.clientCert, '--tls-key', pki.clientKey];
  const env = { T: token };
  const shipped = shipOnce(env, log, url, '--token-env', 'T', ...tls);
  t.equal(shipped.status, 0, shipped.stdout + shipped.stderr);
  t.equal(shipped.json().published, localLines(log).length);
  t.notMatch(shipped.stdout + shipped.stderr, token, 'the token is never printed');
  const verified = cliWith(env, 'audit', 'verify', '--nats', url, '--token-env', 'T', ...tls, '--json');
  t.equal(verified.status, 0, verified.stdout + verified.stderr);
  t.equal(verified.json().services[0].records, localLines(log).length);
  // Without the client certificate the server refuses the TLS handshake.
  const noCert = shipOnce(env, log, url, '--token-env', 'T', '--tls-ca', pki.ca);
  t.equal(noCert.status, 2);
  t.match(noCert.json().error.code, /^E_FLEET_(UNREACHABLE|PERMISSION)$/);
  // Without the CA the server's certificate is not trusted.
  const noCa = shipOnce(env, log, url, '--token-env', 'T');
  t.equal(noCa.status, 2);
  // A missing variable or file: E_ARG naming it, not its content.
  const noVar = shipOnce({}, log, url, '--token-env', 'NOT_SET_ANYWHERE', ...tls);
  t.equal(noVar.status, 2);
  t.match(noVar.json().error, { code: 'E_ARG', message: /NOT_SET_ANYWHERE is not set/ });
  const noFile = shipOnce(env, log, url, '--nkey', join(pki.ca, 'missing'));
  t.match(noFile.json().error, { code: 'E_ARG', message: /--nkey: cannot read/ });
  const two = shipOnce(env, log, url, '--nkey', pki.ca, '--token-env', 'T');
  t.match(two.json().error, { code: 'E_ARG', message: /one identity/ });
});
