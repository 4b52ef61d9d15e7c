// Test identities for nats-server: the permissions configuration from docs/fleet.md (the very
// text), nkey users made with @nats-io/nkeys, a CA with server and client certificates made with
// openssl, and the CLI run with a given environment (secrets only there or in files).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { createHash } from 'node:crypto';

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

/** `audit ship LOG --nats URL FLAGS… --once --json` with `env` (cliWith). */
export function shipOnce(env: Record<string, string>, log: string, url: string, ...flags: string[]) {
  return cliWith(env, 'audit', 'ship', log, '--nats', url, ...flags, '--once', '--json');
}

export { makePki, type TestPki } from './pki.mjs';

const b64url = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

/** A NATS v2 JWT signed by `issuer` (an nkey pair), built by hand: header, claims, ed25519 signature. */
function natsJwt(issuer: ReturnType<typeof createOperator>, sub: string, name: string, nats: object): string {
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  const claims = { iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name, sub, nats };
  const jti = createHash('sha256').update(JSON.stringify(claims)).digest('base64url');
  const body = b64url(JSON.stringify({ jti, ...claims }));
  const sig = issuer.sign(new TextEncoder().encode(`${head}.${body}`));
  return `${head}.${body}.${b64url(sig)}`;
}

export interface OperatorMode {
  /** nats-server configuration: the operator, a memory resolver with the account preloaded. */
  config: string;
  /** A creds file text (user JWT + seed) for a user with these publish permissions. */
  creds(name: string, publish: string[]): string;
}

/** Operator mode made with @nats-io/nkeys: one operator, one account with JetStream, users with permissions. */
export function operatorMode(): OperatorMode {
  const operator = createOperator();
  const account = createAccount();
  const limits = {
    subs: -1,
    data: -1,
    payload: -1,
    imports: -1,
    exports: -1,
    wildcards: true,
    conn: -1,
    leaf: -1,
    mem_storage: -1,
    disk_storage: -1,
    streams: -1,
    consumer: -1,
  };
  const accountJwt = natsJwt(operator, account.getPublicKey(), 'vr-test-account', {
    limits,
    type: 'account',
    version: 2,
  });
  const system = createAccount();
  const systemJwt = natsJwt(operator, system.getPublicKey(), 'SYS', { type: 'account', version: 2 });
  const operatorJwt = natsJwt(operator, operator.getPublicKey(), 'vr-test-operator', {
    system_account: system.getPublicKey(),
    type: 'operator',
    version: 2,
  });
  const config = [
    `operator: ${operatorJwt}`,
    `system_account: ${system.getPublicKey()}`,
    'resolver: MEMORY',
    `resolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt}\n  ${system.getPublicKey()}: ${systemJwt}\n}`,
    '',
  ].join('\n');
  return {
    config,
    creds(name, publish) {
      const user = createUser();
      const jwt = natsJwt(account, user.getPublicKey(), name, {
        pub: { allow: publish },
        sub: { allow: ['_INBOX.>'] },
        subs: -1,
        data: -1,
        payload: -1,
        type: 'user',
        version: 2,
      });
      const seed = new TextDecoder().decode(user.getSeed());
      return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
    },
  };
}
