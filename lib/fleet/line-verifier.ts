// Adapter from a stream's messages to the directory verifier: the messages are written, one
// line each, into a segment in a private temporary directory named for the first record's seq,
// and verifyAuditLog checks them exactly as it checks a log on disk. Failures are reported with
// the stream sequence of the message they are in. (Interim: helper S's verifier over async
// iterables of record lines replaces the temporary file once it lands on main.)
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentName } from '../audit/segments.js';
import { verifyAuditLog, type AuditFailureReason } from '../audit/verify.js';
import type { StreamMessage } from './stream-records.js';
import { recordAt } from './stored-record.js';

export interface LineVerdict {
  intact: boolean;
  records: number;
  head: { seq: number; hash: string } | null;
  firstError?: { streamSeq: number; message: number; reason: AuditFailureReason | 'no records' | 'service mismatch'; detail: string };
  summary: string;
}

export async function verifyStreamLines(work: string, subject: string, messages: AsyncIterable<StreamMessage>): Promise<LineVerdict> {
  const streamSeqs: number[] = [];
  let file: Awaited<ReturnType<typeof open>> | null = null;
  let chunk: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    if (file && size > 0) await file.write(Buffer.concat(chunk));
    chunk = [];
    size = 0;
  };
  try {
    for await (const m of messages) {
      if (!file) file = await open(join(work, segmentName(recordAt(m.data)?.seq ?? 0)), 'wx', 0o600);
      streamSeqs.push(m.streamSeq);
      const line = Buffer.concat([m.data, Buffer.from('\n')]);
      chunk.push(line);
      size += line.length;
      if (size >= 1 << 20) await flush();
    }
    await flush();
  } finally {
    await file?.close();
  }
  if (streamSeqs.length === 0) {
    return { intact: false, records: 0, head: null, firstError: { streamSeq: 0, message: 0, reason: 'no records', detail: `nothing on ${subject}` }, summary: `no records on ${subject}` };
  }
  const r = await verifyAuditLog(work);
  if (!r.firstError) return { intact: true, records: r.records, head: r.head, summary: `${r.records} records intact on ${subject}` };
  const n = Math.max(1, r.firstError.line);
  const streamSeq = streamSeqs[n - 1] ?? 0;
  return {
    intact: false,
    records: r.records,
    head: r.head,
    firstError: { streamSeq, message: n, reason: r.firstError.reason, detail: r.firstError.detail },
    summary: `broken at message ${n} of ${subject} (stream sequence ${streamSeq}): ${r.firstError.reason} (${r.firstError.detail})`,
  };
}
