// Test identities for nats-server: the permissions configuration from docs/fleet.md (the very
// text), nkey users made with @nats-io/nkeys, a CA with server and client certificates made with
// openssl, and the CLI run with a given environment (secrets only there or in files).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUser } from '@nats-io/nkeys';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/fleet.md', import.meta.url));

/** The first ```conf block of docs/fleet.md: the permissions configuration users are told to run. */
export function docsServerConfig(): string {
  const m = /```conf\n([\s\S]*?)```/.exec(readFileSync(DOCS, 'utf8'));
  if (!m) throw new Error('docs/fleet.md has no ```conf block');
  return m[1]!;
}

export interface NkeyUser {
  seed: string;
  publicKey: string;
}

export function nkeyUser(): NkeyUser {
  const u = createUser();
  return { seed: new TextDecoder().decode(u.getSeed()), publicKey: u.getPublicKey() };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json(): any;
}

/** The built CLI with extra environment variables (where secrets go). */
export function cliWith(env: Record<string, string>, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

function openssl(cwd: string, ...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A test CA, a server certificate for 127.0.0.1 and a client certificate, all made with openssl. */
export function makePki(dir: string): TestPki {
  mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, 'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=vr-test-ca');
  for (const [name, san] of [
    ['server', 'IP:127.0.0.1,DNS:localhost'],
    ['client', 'DNS:gpu-node-1'],
  ] as const) {
    openssl(dir, 'req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  }
  return {
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
}
