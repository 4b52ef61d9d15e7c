// Opening a NATS connection with errors a person can act on. The client's own reconnect is off
// on purpose: messages it buffers while disconnected would be sent after the shipper has
// re-read the stream and may already have re-published them, which could reorder a chain. The
// shipper opens a fresh connection itself and re-synchronises first. Identities and TLS come
// from credentials.ts; a refused identity is E_FLEET_PERMISSION, not "unreachable".
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import { FleetPermissionError, FleetUnreachableError, InvalidArgumentError } from '../errors.js';
import { natsAuthOptions, type NatsCredentials } from './credentials.js';

export type { NatsCredentials } from './credentials.js';

export interface ConnectOptions {
  /** Milliseconds for the TCP connect and the NATS handshake. */
  timeoutMs?: number;
  name?: string;
  /** Who we are to the server, and TLS (files and environment variables only). */
  credentials?: NatsCredentials;
}

/** nats://host:port[,nats://host:port…]; also tls:// and bare host:port. */
export function parseNatsUrls(text: string): string[] {
  const urls = text
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  if (urls.length === 0) throw new InvalidArgumentError('--nats', 'needs a server URL such as nats://127.0.0.1:4222');
  for (const u of urls) {
    const withScheme = /^[a-z]+:\/\//i.test(u) ? u : `nats://${u}`;
    let parsed: URL;
    try {
      parsed = new URL(withScheme);
    } catch {
      throw new InvalidArgumentError('--nats', `"${u}" is not a URL (use nats://host:port)`);
    }
    if (!['nats:', 'tls:'].includes(parsed.protocol))
      throw new InvalidArgumentError('--nats', `"${u}": use nats:// or tls://, not ${parsed.protocol}//`);
    if (parsed.username || parsed.password)
      throw new InvalidArgumentError(
        '--nats',
        'credentials in the URL would end up in logs; use a credentials file or NATS_* environment instead',
      );
  }
  return urls;
}

/** Connect (no client-side reconnect); E_FLEET_PERMISSION when the server refuses the identity. */
export async function openNats(urls: string[], opts: ConnectOptions = {}): Promise<NatsConnection> {
  const shown = urls.join(',');
  const auth = natsAuthOptions(
    opts.credentials,
    urls.some((u) => u.toLowerCase().startsWith('tls://')),
  );
  try {
    return await connect({
      ...(auth.authenticator ? { authenticator: auth.authenticator } : {}),
      ...(auth.tls ? { tls: auth.tls } : {}),
      servers: urls,
      reconnect: false,
      timeout: opts.timeoutMs ?? 5000,
      pingInterval: 2000,
      maxPingOut: 2,
      name: opts.name ?? 'vram-residency',
    });
  } catch (err) {
    if (err instanceof errors.AuthorizationError || /authorization violation/i.test((err as Error).message ?? ''))
      throw new FleetPermissionError(
        'connect',
        '',
        `the NATS server at ${shown} refused the identity (${auth.describe}): authorization violation; check the credentials and the server's users or accounts`,
        err,
      );
    const why = (err as Error).message ?? String(err);
    throw new FleetUnreachableError(
      shown,
      `no NATS server answered at ${shown} (${why}); check the URL and that nats-server runs with JetStream (-js)`,
      err,
    );
  }
}
