// Which checkpoint notes the shipper publishes (SPEC §6, §7). It trusts no note it finds on
// vram.checkpoint.<service>: a note counts as shipped only when its bytes equal a note the writer
// left in DIR/checkpoints/, and anything else on the subject is counted as foreign and otherwise
// ignored. So a forged note (any key, any size) changes nothing the shipper does.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MsgRequest } from '@nats-io/jetstream';
import type { StreamCopy } from './stream-copy.js';
import { checkpointSubject } from './subjects.js';

export interface NotesOnStream {
  /** SHA-256 (hex) of every note on the subject that is one of the local notes. */
  shipped: Set<string>;
  /** Notes on the subject that are not a local note byte for byte (forged, or another writer's). */
  foreign: { count: number; firstStreamSeq: number | null };
}

export function noteHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function localNote(dir: string, text: Buffer): Buffer | null {
  const size = /^[^\n]*\n([1-9][0-9]{0,15})\n/.exec(text.toString('latin1'))?.[1];
  if (!size) return null;
  try {
    return readFileSync(join(dir, 'checkpoints', `${size.padStart(12, '0')}.note`));
  } catch {
    return null;
  }
}

/** Every note on the service's checkpoint subject, held against the local notes (one message get each). */
export async function readNotesOnStream(c: StreamCopy): Promise<NotesOnStream> {
  const subject = checkpointSubject(c.service);
  const out: NotesOnStream = { shipped: new Set(), foreign: { count: 0, firstStreamSeq: null } };
  let seq = 1;
  for (;;) {
    // STREAM.MSG.GET with next_by_subj (nats-server ≥ 2.9): the client's type lists only seq and last_by_subj.
    const m = await c.jsm.streams.getMessage(c.stream, { seq, next_by_subj: subject } as unknown as MsgRequest);
    if (!m) break;
    const bytes = Buffer.from(m.data);
    const local = localNote(c.dir, bytes);
    if (local?.equals(bytes)) out.shipped.add(noteHash(bytes));
    else {
      out.foreign.count++;
      out.foreign.firstStreamSeq ??= m.seq;
    }
    seq = m.seq + 1;
  }
  return out;
}
