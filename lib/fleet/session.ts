// One shipper connection: the NATS connection with the worker's identity, the JetStream manager,
// and the stream checked (created when missing) before anything else happens on it.
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { VramResidencyError } from '../errors.js';
import { openNats } from './connect.js';
import { permissionError } from './permissions.js';
import type { AuditShipperOptions } from './shipper-options.js';
import { ensureAuditStream, openManager } from './stream.js';
import { DEFAULT_STREAM } from './subjects.js';

export interface Session {
  nc: NatsConnection;
  jsm: JetStreamManager;
}

/** Connect and check the stream; the connection is closed again when that fails. */
export async function openSession(urls: string[], opts: AuditShipperOptions): Promise<Session> {
  const nc = await openNats(urls, {
    timeoutMs: opts.connectTimeoutMs,
    name: 'vram-residency audit ship',
    credentials: opts.credentials,
  });
  try {
    const jsm = await openManager(nc, urls.join(','));
    await ensureAuditStream(jsm, { name: opts.stream ?? DEFAULT_STREAM, replicas: opts.replicas, create: true });
    return { nc, jsm };
  } catch (err) {
    await nc.close().catch(() => {});
    throw permissionError(err, 'opening the stream');
  }
}

/** Errors retrying cannot fix: the operator must look. */
export function isFatal(err: unknown): boolean {
  return err instanceof VramResidencyError && !err.retriable;
}
