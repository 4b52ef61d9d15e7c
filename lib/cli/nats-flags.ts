// The NATS identity and TLS flags `audit ship` and `audit verify --nats` share. Every flag names a
// file or an environment variable: a secret on the command line would be visible in `ps` and in
// shell history, so there is no flag that takes one.
import type { Command } from 'commander';
import type { NatsCredentials } from '../fleet/credentials.js';

export interface NatsIdentityFlags {
  creds?: string;
  nkey?: string;
  user?: string;
  passwordEnv?: string;
  tokenEnv?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Adds --creds, --nkey, --user/--password-env, --token-env and --tls-ca/--tls-cert/--tls-key. */
export function addNatsIdentityOptions(cmd: Command): Command {
  return cmd
    .option('--creds <file>', 'NATS: a creds file (user JWT + nkey seed)')
    .option('--nkey <file>', 'NATS: a file holding a user nkey seed (SU…)')
    .option('--user <name>', 'NATS: a user name; the password is read from --password-env')
    .option(
      '--password-env <var>',
      'NATS: the environment variable holding the password of --user (default NATS_PASSWORD)',
    )
    .option('--token-env <var>', 'NATS: the environment variable holding a token')
    .option('--tls-ca <file>', "NATS: PEM CA certificate that signed the server's certificate (implies TLS)")
    .option('--tls-cert <file>', 'NATS: PEM client certificate (with --tls-key)')
    .option('--tls-key <file>', 'NATS: PEM private key of --tls-cert');
}

/** The flags as the fleet code's credentials (paths and variable names only). */
export function natsCredentialsOf(f: NatsIdentityFlags): NatsCredentials {
  const out: NatsCredentials = {};
  if (f.creds !== undefined) out.credsFile = f.creds;
  if (f.nkey !== undefined) out.nkeySeedFile = f.nkey;
  if (f.user !== undefined) out.user = f.user;
  if (f.passwordEnv !== undefined) out.passwordEnv = f.passwordEnv;
  if (f.tokenEnv !== undefined) out.tokenEnv = f.tokenEnv;
  if (f.tlsCa !== undefined) out.tlsCaFile = f.tlsCa;
  if (f.tlsCert !== undefined) out.tlsCertFile = f.tlsCert;
  if (f.tlsKey !== undefined) out.tlsKeyFile = f.tlsKey;
  return out;
}
