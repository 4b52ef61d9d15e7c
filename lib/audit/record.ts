// One SPEC §4 record: the line as written (members in the order v, seq, id, ts, service, type,
// severity, data, prev, hash) and its hash over the RFC 8785 form of everything but `hash`.
import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { AUDIT_FORMAT, type AuditRecord } from './events.js';

export const GENESIS_PREV = '0'.repeat(64);
const HASH_PREFIX = AUDIT_FORMAT + '\0'; // ASCII, so its UTF-8 bytes are the SPEC's prefix bytes

// crypto.hash (Node ≥ 20.12) is about twice as fast as createHash for one short input.
type OneShot = (alg: string, data: string, enc: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
const sha256Hex: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** A record's members before `v` and `hash` are added. */
export type RecordFields = Omit<AuditRecord, 'v' | 'hash'>;

interface Quoted {
  data: string;
  id: string;
  prev: string;
  seq: string;
  service: string;
  severity: string;
  ts: string;
  type: string;
}

function quote(r: RecordFields): Quoted {
  return {
    data: canonicalJson(r.data),
    id: JSON.stringify(r.id),
    prev: JSON.stringify(r.prev),
    seq: canonicalJson(r.seq),
    service: JSON.stringify(r.service),
    severity: JSON.stringify(r.severity),
    ts: JSON.stringify(r.ts),
    type: JSON.stringify(r.type),
  };
}

/** JCS with members sorted: data, id, prev, seq, service, severity, ts, type, v. */
function canonicalFromQuoted(q: Quoted): string {
  return (
    '{"data":' + q.data + ',"id":' + q.id + ',"prev":' + q.prev + ',"seq":' + q.seq +
    ',"service":' + q.service + ',"severity":' + q.severity + ',"ts":' + q.ts + ',"type":' + q.type + ',"v":1}'
  );
}

/** The JCS text the hash covers (the record without `hash`). */
export function canonicalRecord(r: RecordFields): string {
  return canonicalFromQuoted(quote(r));
}

export function recordHash(r: RecordFields): string {
  return sha256Hex(HASH_PREFIX + canonicalRecord(r));
}

/** The record's line including the trailing LF, and its hash. Each member is serialised once for both. */
export function buildRecordLine(r: RecordFields): { line: string; hash: string } {
  const q = quote(r);
  const hash = sha256Hex(HASH_PREFIX + canonicalFromQuoted(q));
  // The line keeps the data members in the caller's order (as in the vectors); JCS sorts them only for the hash.
  const line =
    '{"v":1,"seq":' + q.seq + ',"id":' + q.id + ',"ts":' + q.ts + ',"service":' + q.service + ',"type":' + q.type +
    ',"severity":' + q.severity + ',"data":' + JSON.stringify(r.data) + ',"prev":' + q.prev + ',"hash":"' + hash + '"}\n';
  return { line, hash };
}

/** Milliseconds → SPEC timestamp text. */
export function formatTs(ms: number): string {
  return new Date(ms).toISOString();
}

export function toRecord(r: RecordFields, hash: string): AuditRecord {
  return { v: 1, ...r, hash };
}
