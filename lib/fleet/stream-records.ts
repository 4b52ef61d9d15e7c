// Reads one subject of the stream in stream order, as it stood when reading began: an ordered
// (ephemeral, flow-controlled) consumer filtered on the subject, stopped after `count` messages.
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { FleetUnreachableError } from '../errors.js';

export interface StreamMessage {
  /** The message's sequence in the stream (not the record's seq). */
  streamSeq: number;
  data: Uint8Array;
}

export async function* subjectMessages(
  nc: NatsConnection,
  stream: string,
  subject: string,
  count: number,
  idleMs = 15_000,
): AsyncGenerator<StreamMessage> {
  if (count <= 0) return;
  const consumer = await orderedConsumer(nc, stream, subject);
  const messages = await consumer.consume({ max_messages: 4096 });
  let seen = 0;
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void messages.stop(), idleMs);
  };
  try {
    arm();
    for await (const m of messages) {
      arm();
      yield { streamSeq: m.seq, data: m.data };
      if (++seen >= count) break;
    }
    if (seen < count)
      throw new FleetUnreachableError(
        nc.getServer(),
        `the stream delivered ${seen} of ${count} messages on ${subject}, then nothing for ${idleMs} ms`,
      );
  } finally {
    if (timer) clearTimeout(timer);
    await messages.close().catch(() => {});
  }
}

/**
 * An ordered consumer on one subject. nats-server 2.9 may place this R1 consumer on a peer of the
 * stream that is down, and then never answers: each new attempt is placed afresh.
 */
async function orderedConsumer(nc: NatsConnection, stream: string, subject: string, attempts = 6) {
  const js = jetstream(nc, { timeout: 4000 });
  for (let i = 1; ; i++) {
    try {
      return await js.consumers.get(stream, { filter_subjects: subject });
    } catch (err) {
      if (i >= attempts || (err as Error).name !== 'TimeoutError') throw err;
    }
  }
}
