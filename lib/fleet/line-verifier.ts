// A service's subject as a source for the one verifier (SPEC §4, and §6 with keys): each message
// is one record line, numbered in stream order; failures also name the message's stream sequence.
import type { NatsConnection } from '@nats-io/transport-node';
import type { RecordLine } from '../audit/verify/chain-verifier.js';
import { nodeSealingCrypto } from '../audit/write/node-crypto.js';
import {
  verifySealedRecordLines,
  type SealedVerifyOptions,
  type SealedVerifyResult,
} from '../audit/verify/epoch-seal-verify.js';
import { subjectMessages, type StreamMessage } from './stream-records.js';

export interface SubjectVerdict extends SealedVerifyResult {
  /** Stream sequence of the message holding the first failure (0 when it is the end of the subject). */
  firstErrorStreamSeq?: number;
  summary: string;
}

export interface SubjectSource {
  nc: NatsConnection;
  stream: string;
  subject: string;
  /** Messages on the subject when verification began; later ones are left for the next run. */
  count: number;
  /** Sees every message of the first pass, in order (gaps, service names, checkpoint claims). */
  look?: (m: StreamMessage, n: number) => void;
}

export async function verifySubject(src: SubjectSource, opts: SealedVerifyOptions): Promise<SubjectVerdict> {
  const streamSeqs: number[] = [];
  async function* lines(first: boolean): AsyncGenerator<RecordLine> {
    let n = 0;
    for await (const m of subjectMessages(src.nc, src.stream, src.subject, src.count)) {
      n++;
      if (first) {
        streamSeqs.push(m.streamSeq);
        src.look?.(m, n);
      }
      yield { source: src.subject, line: n, text: m.data };
    }
  }
  // The second pass (only when the id screen reports possible repeats) reads the subject again.
  const result = await verifySealedRecordLines(lines(true), { ...opts, rescan: () => lines(false) }, nodeSealingCrypto);
  const e = result.firstError;
  if (!e) return { ...result, summary: `${result.records} records intact on ${src.subject}` };
  const streamSeq = e.line > 0 ? (streamSeqs[e.line - 1] ?? 0) : 0;
  return {
    ...result,
    firstErrorStreamSeq: streamSeq,
    summary: `broken at message ${e.line} of ${src.subject} (stream sequence ${streamSeq}): ${e.reason} (${e.detail})`,
  };
}
