// What the stream already holds of one service's chain, held against the local log: where to
// resume, whether a message the stream says it has is really this record, whether the subject
// holds exactly the records shipped. Any disagreement is E_FLEET_FOREIGN_RECORD.
import type { JetStreamManager } from '@nats-io/jetstream';
import { FleetForeignRecordError } from '../errors.js';
import { ForeignRecordMismatch, type FollowedRecord, type LogFollower } from './follower.js';
import { subjectCounts } from './stream.js';
import { recordAt } from './stored-record.js';

export interface StreamCopy {
  jsm: JetStreamManager;
  stream: string;
  service: string;
  subject: string;
  dir: string;
}

/**
 * Position the follower after the subject's last record, which must be the local record at its
 * seq (byte for byte). Returns that record's seq and stream sequence (−1 and 0: nothing there yet).
 */
export async function resumePoint(
  c: StreamCopy,
  follower: LogFollower,
): Promise<{ shippedSeq: number; lastStreamSeq: number }> {
  const last = await c.jsm.streams.getMessage(c.stream, { last_by_subj: c.subject });
  if (!last) {
    const first = follower.firstSeq() ?? 0;
    await follower.seek(first, null);
    return { shippedSeq: first - 1, lastStreamSeq: 0 };
  }
  const line = Buffer.from(last.data);
  const rec = recordAt(line);
  const where = `stream ${c.stream} holds on ${c.subject}`;
  if (!rec)
    throw new FleetForeignRecordError(
      c.service,
      -1,
      `${where} a message (sequence ${last.seq}) that is not an audit record: someone else publishes on the subject`,
    );
  try {
    if ((await follower.seek(rec.seq + 1, { seq: rec.seq, line })) === 'behind') {
      throw new FleetForeignRecordError(
        c.service,
        rec.seq,
        `${where} record ${rec.seq}, but the local log ${c.dir} has not reached it: another writer ships as "${c.service}", or the local log lost records after they were shipped`,
      );
    }
  } catch (err) {
    if (!(err instanceof ForeignRecordMismatch)) throw err;
    throw new FleetForeignRecordError(
      c.service,
      rec.seq,
      `${where} a record ${rec.seq} that differs from the local one: another writer ships as "${c.service}", or the local log was replaced; nothing was changed`,
    );
  }
  return { shippedSeq: rec.seq, lastStreamSeq: last.seq };
}

/** A duplicate ack means the stream already held a message with this hash as its id: it must be this very line. */
export async function confirmDuplicate(c: StreamCopy, rec: FollowedRecord, streamSeq: number): Promise<void> {
  const stored = await c.jsm.streams.getMessage(c.stream, { seq: streamSeq });
  if (!stored || stored.subject !== c.subject || !Buffer.from(stored.data).equals(rec.line)) {
    throw new FleetForeignRecordError(
      c.service,
      rec.seq,
      `the stream answered that record ${rec.seq} was already there, but its message ${streamSeq} is not this record: someone else publishes with this service's message ids`,
    );
  }
}

/** The subject holds exactly the records shipped from the log's first one: nobody else added any. */
export async function checkCount(c: StreamCopy, shippedSeq: number, firstSeq: number): Promise<void> {
  const count = (await subjectCounts(c.jsm, c.stream, c.subject))[c.subject] ?? 0;
  const expected = shippedSeq + 1 - firstSeq;
  if (count !== expected) {
    throw new FleetForeignRecordError(
      c.service,
      shippedSeq,
      `${c.subject} holds ${count} messages where the local log has ${expected} records up to seq ${shippedSeq}: someone else publishes on the subject`,
    );
  }
}
