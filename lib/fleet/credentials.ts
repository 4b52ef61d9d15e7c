// NATS identities for the shipper and the central verifier (SPEC §7, "who may publish"): a creds
// file (JWT + nkey seed), an nkey seed file, a user whose password is in an environment variable,
// or a token in an environment variable; TLS with a CA file and an optional client certificate.
// Secrets are read from files or the environment only, and never copied into a message: errors
// name the file or the variable, not what it holds.
import { readFileSync } from 'node:fs';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
  type Authenticator,
  type TlsOptions,
} from '@nats-io/transport-node';
import { InvalidArgumentError } from '../errors.js';

/** How to prove who we are to the NATS server. At most one of creds, nkey, user, token. */
export interface NatsCredentials {
  /** A `.creds` file (user JWT + nkey seed, as `nsc` writes it). */
  credsFile?: string;
  /** A file holding a user nkey seed (`SU…`). */
  nkeySeedFile?: string;
  /** A user name; its password is read from the environment variable `passwordEnv`. */
  user?: string;
  /** The environment variable holding the password of `user` (default `NATS_PASSWORD`). */
  passwordEnv?: string;
  /** The environment variable holding a token. */
  tokenEnv?: string;
  /** A PEM file with the CA that signed the server's certificate (implies TLS). */
  tlsCaFile?: string;
  /** A PEM client certificate (with `tlsKeyFile`) for servers that verify clients. */
  tlsCertFile?: string;
  /** The PEM private key of `tlsCertFile`. */
  tlsKeyFile?: string;
}

/** The NATS client options an identity turns into (no secret in any message). */
export interface NatsAuthOptions {
  authenticator?: Authenticator;
  tls?: TlsOptions;
  /** What a message may say about the identity (kind and file or variable name; never the secret). */
  describe: string;
}

const SEED = /^SU[A-Z2-7]{56}$/;

function readSecretFile(argument: string, path: string): Buffer {
  try {
    const bytes = readFileSync(path);
    if (bytes.length === 0) throw new InvalidArgumentError(argument, `${path} is empty`);
    return bytes;
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err;
    throw new InvalidArgumentError(argument, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function fromEnv(argument: string, name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new InvalidArgumentError(argument, 'must name an environment variable (letters, digits, _)');
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new InvalidArgumentError(argument, `the environment variable ${name} is not set`);
  return value;
}

function authenticatorOf(c: NatsCredentials): { authenticator?: Authenticator; describe: string } {
  const given = (['credsFile', 'nkeySeedFile', 'user', 'tokenEnv'] as const).filter((k) => c[k] !== undefined);
  if (given.length > 1) throw new InvalidArgumentError('credentials', `give one identity, not ${given.join(' and ')}`);
  if (c.passwordEnv !== undefined && c.user === undefined)
    throw new InvalidArgumentError('--password-env', 'is the password of --user: give --user too');
  if (c.credsFile !== undefined) {
    const bytes = readSecretFile('--creds', c.credsFile);
    const text = bytes.toString('utf8');
    if (!/-----BEGIN NATS USER JWT-----/.test(text) || !/-----BEGIN USER NKEY SEED-----/.test(text))
      throw new InvalidArgumentError('--creds', `${c.credsFile} is not a NATS creds file (user JWT and nkey seed)`);
    return { authenticator: credsAuthenticator(new Uint8Array(bytes)), describe: `creds file ${c.credsFile}` };
  }
  if (c.nkeySeedFile !== undefined) {
    const seed = readSecretFile('--nkey', c.nkeySeedFile).toString('utf8').trim();
    if (!SEED.test(seed))
      throw new InvalidArgumentError(
        '--nkey',
        `${c.nkeySeedFile} does not hold a user nkey seed (SU… , 58 characters)`,
      );
    return {
      authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)),
      describe: `nkey seed file ${c.nkeySeedFile}`,
    };
  }
  if (c.user !== undefined) {
    if (!/^[\x21-\x7e]{1,256}$/.test(c.user))
      throw new InvalidArgumentError('--user', 'must be printable ASCII without spaces');
    const env = c.passwordEnv ?? 'NATS_PASSWORD';
    const password = fromEnv('--password-env', env);
    return {
      authenticator: usernamePasswordAuthenticator(c.user, password),
      describe: `user ${c.user} (password from $${env})`,
    };
  }
  if (c.tokenEnv !== undefined) {
    const token = fromEnv('--token-env', c.tokenEnv);
    return { authenticator: tokenAuthenticator(token), describe: `token from $${c.tokenEnv}` };
  }
  return { describe: 'no credentials' };
}

/** Client options for an identity and TLS settings; E_ARG (naming the file or variable) when one cannot be read. */
export function natsAuthOptions(c: NatsCredentials = {}, wantTls = false): NatsAuthOptions {
  const auth = authenticatorOf(c);
  if ((c.tlsCertFile === undefined) !== (c.tlsKeyFile === undefined))
    throw new InvalidArgumentError(
      c.tlsCertFile === undefined ? '--tls-key' : '--tls-cert',
      'a client certificate needs its key: give --tls-cert and --tls-key',
    );
  if (!wantTls && c.tlsCaFile === undefined && c.tlsCertFile === undefined) return auth;
  const tls: TlsOptions = {};
  if (c.tlsCaFile !== undefined) tls.ca = pem('--tls-ca', c.tlsCaFile, 'CERTIFICATE');
  if (c.tlsCertFile !== undefined) tls.cert = pem('--tls-cert', c.tlsCertFile, 'CERTIFICATE');
  if (c.tlsKeyFile !== undefined) tls.key = pem('--tls-key', c.tlsKeyFile, 'PRIVATE KEY');
  return { ...auth, tls, describe: `${auth.describe}, TLS` };
}

function pem(argument: string, path: string, kind: string): string {
  const text = readSecretFile(argument, path).toString('utf8');
  if (!text.includes('-----BEGIN ') || !text.includes(kind))
    throw new InvalidArgumentError(argument, `${path} is not a PEM ${kind.toLowerCase()}`);
  return text;
}
