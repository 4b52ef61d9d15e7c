// What the server lets this identity do, checked before the shipper publishes anything (SPEC §7,
// "who may publish"), and NATS permission refusals turned into E_FLEET_PERMISSION with the subject
// named. The publish probe carries `Nats-Expected-Stream` with a name no stream can have (it has
// a dot), so the stream answers with an error and stores nothing: a reply proves the publish was
// allowed, reached the stream, and that acknowledgements come back to our inbox.
import { errors, headers, type NatsConnection } from '@nats-io/transport-node';
import { FleetPermissionError, FleetStreamConfigError } from '../errors.js';

const NO_SUCH_STREAM = 'vram-residency.permission-probe';
const JS_STREAM_NOT_MATCH = 10060;

/** E_FLEET_PERMISSION for a NATS permission violation (what the shipper or verifier was doing in `doing`); anything else unchanged. */
export function permissionError(caught: unknown, doing: string): unknown {
  // nc.request wraps it in a RequestError (as its cause); the JetStream API calls may too.
  const err = [caught, (caught as { cause?: unknown } | null)?.cause].find(
    (e): e is InstanceType<typeof errors.PermissionViolationError> => e instanceof errors.PermissionViolationError,
  );
  if (!err) return caught;
  if (err.operation === 'subscription')
    return new FleetPermissionError(
      'subscribe',
      err.subject,
      `${doing}: this identity may not subscribe to ${err.subject}, so no reply can reach it; allow subscribe on _INBOX.> (see docs/fleet.md)`,
      err,
    );
  return new FleetPermissionError(
    'publish',
    err.subject,
    `${doing}: this identity may not publish on ${err.subject}; the server's permissions for this worker must allow it (see docs/fleet.md)`,
    err,
  );
}

/**
 * Checks that a publish on `subject` is allowed and reaches `stream` (which answers with an
 * error and stores nothing). E_FLEET_PERMISSION names the missing permission.
 */
export async function probePublish(
  nc: NatsConnection,
  subject: string,
  stream: string,
  timeoutMs = 5000,
): Promise<void> {
  const h = headers();
  h.set('Nats-Expected-Stream', NO_SUCH_STREAM);
  let reply: { error?: { err_code?: number; description?: string } };
  try {
    const m = await nc.request(subject, new Uint8Array(0), { headers: h, timeout: timeoutMs });
    if (m.headers?.hasError)
      throw new FleetStreamConfigError(
        stream,
        `no stream takes ${subject} (${m.headers.code} ${m.headers.description})`,
      );
    reply = JSON.parse(Buffer.from(m.data).toString('utf8'));
  } catch (err) {
    if (err instanceof errors.NoRespondersError || (err as Error).name === 'NoRespondersError')
      throw new FleetStreamConfigError(
        stream,
        `no stream takes ${subject}: the stream ${stream} does not listen on it`,
      );
    if (err instanceof errors.TimeoutError)
      throw new FleetPermissionError(
        'publish',
        subject,
        `checking permissions: a probe on ${subject} got no answer in ${timeoutMs} ms; the server may drop this identity's publishes on it or its replies (allow publish on ${subject} and subscribe on _INBOX.>)`,
        err,
      );
    throw permissionError(err, 'checking permissions');
  }
  if (reply.error?.err_code !== JS_STREAM_NOT_MATCH)
    throw new FleetStreamConfigError(
      stream,
      `the permission probe on ${subject} got an unexpected answer (${reply.error?.description ?? 'it was stored'})`,
    );
}
