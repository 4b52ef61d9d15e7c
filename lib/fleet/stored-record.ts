// What the fleet code needs to read from a record line: enough to place it in a chain (seq, prev,
// hash, service, ts). Full SPEC §4 checks are the verifier's. Lines as this project's writer
// lays them out (members in the order v, seq, id, ts, service, …, prev, hash) are read at fixed
// places without parsing the whole line, which is most of the shipper's CPU otherwise; any other
// layout goes through JSON.parse.
import { bytesAt, decimalAt } from './byte-scan.js';

export interface RecordPlace {
  seq: number;
  hash: string;
  prev: string;
  service: string;
  ts: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEAD = Buffer.from('{"v":1,"seq":');
const TAIL_HASH = Buffer.from(',"hash":"');
const TAIL_PREV = Buffer.from(',"prev":"');
const ID = Buffer.from(',"id":"');
const TS = Buffer.from('","ts":"');
const SERVICE = Buffer.from('","service":"');

/** Where the members sit in a line laid out by this project's writer (byte offsets; no strings made). */
export interface RecordLayout {
  seq: number;
  hashAt: number;
  prevAt: number;
  tsAt: number;
  tsEnd: number;
  serviceAt: number;
  serviceEnd: number;
}

/** The writer's layout located in place, or null when the line is laid out otherwise. */
export function recordLayout(line: Buffer): RecordLayout | null {
  const n = line.length;
  if (n < 180 || line[n - 1] !== 0x7d || line[n - 2] !== 0x22 || !bytesAt(line, 0, HEAD)) return null;
  const hashMarker = n - 2 - 64 - TAIL_HASH.length;
  const prevMarker = hashMarker - 1 - 64 - TAIL_PREV.length;
  if (!bytesAt(line, hashMarker, TAIL_HASH) || !bytesAt(line, prevMarker, TAIL_PREV) || line[hashMarker - 1] !== 0x22)
    return null;
  const seq = decimalAt(line, HEAD.length);
  if (!seq || !bytesAt(line, seq.end, ID)) return null;
  const tsMarker = seq.end + ID.length + 36;
  const serviceMarker = tsMarker + TS.length + 24;
  if (!bytesAt(line, tsMarker, TS) || !bytesAt(line, serviceMarker, SERVICE)) return null;
  const serviceAt = serviceMarker + SERVICE.length;
  const serviceEnd = line.indexOf(0x22, serviceAt);
  if (serviceEnd < 0 || serviceEnd - serviceAt > 128) return null;
  return {
    seq: seq.value,
    hashAt: hashMarker + TAIL_HASH.length,
    prevAt: prevMarker + TAIL_PREV.length,
    tsAt: tsMarker + TS.length,
    tsEnd: serviceMarker,
    serviceAt,
    serviceEnd,
  };
}

/** The writer's layout read in place, or null when the line is laid out otherwise. */
function fastPlace(line: Buffer): RecordPlace | null {
  const l = recordLayout(line);
  if (!l) return null;
  const hash = line.toString('latin1', l.hashAt, l.hashAt + 64);
  // prev is not screened here: the follower compares it with the previous record's (screened) hash.
  if (!HEX64.test(hash)) return null;
  return {
    seq: l.seq,
    hash,
    prev: line.toString('latin1', l.prevAt, l.prevAt + 64),
    service: line.toString('latin1', l.serviceAt, l.serviceEnd),
    ts: line.toString('latin1', l.tsAt, l.tsEnd),
  };
}

/** seq, prev, hash, service and ts of a record line, or null when the bytes are not an audit record. */
export function recordAt(bytes: Uint8Array): RecordPlace | null {
  const line = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fast = fastPlace(line);
  if (fast) return fast;
  let rec: { seq?: unknown; hash?: unknown; prev?: unknown; service?: unknown; ts?: unknown };
  try {
    rec = JSON.parse(line.toString('utf8'));
  } catch {
    return null;
  }
  if (rec === null || typeof rec !== 'object') return null;
  if (!Number.isSafeInteger(rec.seq) || (rec.seq as number) < 0) return null;
  if (typeof rec.hash !== 'string' || !HEX64.test(rec.hash) || typeof rec.service !== 'string') return null;
  return {
    seq: rec.seq as number,
    hash: rec.hash,
    prev: typeof rec.prev === 'string' ? rec.prev : '',
    service: rec.service,
    ts: typeof rec.ts === 'string' ? rec.ts : '',
  };
}
