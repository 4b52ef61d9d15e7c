// One SPEC §4 record: the line as written (members in the order v, seq, id, ts, service, type,
// severity, data, prev, hash) and its hash over the RFC 8785 form of everything but `hash`.
import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { AUDIT_FORMAT, type AuditRecord, type Severity } from './events.js';

export const GENESIS_PREV = '0'.repeat(64);
const HASH_PREFIX = AUDIT_FORMAT + '\0'; // ASCII, so its UTF-8 bytes are the SPEC's prefix bytes

// crypto.hash (Node ≥ 20.12) is about twice as fast as createHash for one short input.
type OneShot = (alg: string, data: string, enc: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
const sha256Hex: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

export interface RecordFields {
  seq: number;
  id: string;
  ts: string;
  service: string;
  type: string;
  severity: Severity;
  data: Record<string, unknown>;
  prev: string;
}

/** The JCS text the hash covers. Members sorted: data, id, prev, seq, service, severity, ts, type, v. */
export function canonicalRecord(r: RecordFields): string {
  return (
    '{"data":' + canonicalJson(r.data) +
    ',"id":' + JSON.stringify(r.id) +
    ',"prev":' + JSON.stringify(r.prev) +
    ',"seq":' + canonicalJson(r.seq) +
    ',"service":' + JSON.stringify(r.service) +
    ',"severity":' + JSON.stringify(r.severity) +
    ',"ts":' + JSON.stringify(r.ts) +
    ',"type":' + JSON.stringify(r.type) +
    ',"v":1}'
  );
}

export function recordHash(r: RecordFields): string {
  return sha256Hex(HASH_PREFIX + canonicalRecord(r));
}

/** The record's line including the trailing LF, and its hash. */
export function buildRecordLine(r: RecordFields): { line: string; hash: string } {
  const hash = recordHash(r);
  const line =
    '{"v":1,"seq":' + r.seq +
    ',"id":' + JSON.stringify(r.id) +
    ',"ts":' + JSON.stringify(r.ts) +
    ',"service":' + JSON.stringify(r.service) +
    ',"type":' + JSON.stringify(r.type) +
    ',"severity":' + JSON.stringify(r.severity) +
    ',"data":' + JSON.stringify(r.data) +
    ',"prev":' + JSON.stringify(r.prev) +
    ',"hash":"' + hash + '"}\n';
  return { line, hash };
}

/** Milliseconds → SPEC timestamp text. */
export function formatTs(ms: number): string {
  return new Date(ms).toISOString();
}

export function toRecord(r: RecordFields, hash: string): AuditRecord {
  return { v: 1, ...r, hash };
}
