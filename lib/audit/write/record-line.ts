// One SPEC §4 record as the writer makes it: the line as written (members in the order v, seq,
// id, ts, service, type, severity, data, prev, hash) and its hash over the RFC 8785 form of
// everything but `hash`, hashed with node:crypto. The hashed text itself is browser-safe
// (../format/record-canonical.ts); verifiers hash it with whatever SHA-256 they are given.
import { assertObject } from '../../formats/args.js';
import * as crypto from 'node:crypto';
import type { AuditRecord } from '../format/events.js';
import { canonicalJson } from '../format/canonical-json.js';
import {
  canonicalFromQuoted,
  canonicalRecord,
  HASH_PREFIX,
  quote,
  type Quoted,
  type RecordFields,
} from '../format/record-canonical.js';

// crypto.hash (Node ≥ 20.12) is about twice as fast as createHash for one short input.
type OneShot = (alg: string, data: string, enc: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
/** Hex SHA-256 of the UTF-8 of `text`. */
export const sha256Hex: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The SPEC §4 hash of a record (hex SHA-256 over the domain prefix and its canonical JSON), which the next record carries as `prev`.
 */
export function recordHash(r: RecordFields): string {
  assertObject(r, 'record');
  return sha256Hex(HASH_PREFIX + canonicalRecord(r));
}

/** The record's line including the trailing LF, and its hash. Each member is serialised once for both. */
export function buildRecordLine(r: RecordFields): { line: string; hash: string } {
  assertObject(r, 'record');
  const q = quoteOwn(r);
  const hash = sha256Hex(HASH_PREFIX + canonicalFromQuoted(q));
  // The line keeps the data members in the caller's order (as in the vectors); JCS sorts them only for the hash.
  const line =
    '{"v":1,"seq":' +
    q.seq +
    ',"id":' +
    q.id +
    ',"ts":' +
    q.ts +
    ',"service":' +
    q.service +
    ',"type":' +
    q.type +
    ',"severity":' +
    q.severity +
    ',"data":' +
    JSON.stringify(r.data) +
    ',"prev":' +
    q.prev +
    ',"hash":"' +
    hash +
    '"}\n';
  return { line, hash };
}

// The writer's own members need no escaping: seq is a safe integer, id a UUID, ts ISO 8601, prev
// hex, and service, type and severity matched their patterns when the logger took them. Quoting
// them without JSON.stringify is a tenth of the cost of building a line; data is still JCS.
const SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const quoteSafe = (s: string) => (SAFE.test(s) ? '"' + s + '"' : JSON.stringify(s));
function quoteOwn(r: RecordFields): Quoted {
  if (!Number.isSafeInteger(r.seq) || r.seq < 0) return quote(r);
  return {
    data: canonicalJson(r.data),
    id: quoteSafe(r.id),
    prev: quoteSafe(r.prev),
    seq: String(r.seq),
    service: quoteSafe(r.service),
    severity: quoteSafe(r.severity),
    ts: quoteSafe(r.ts),
    type: quoteSafe(r.type),
  };
}

/** Milliseconds → SPEC timestamp text. */
export function formatTs(ms: number): string {
  return new Date(ms).toISOString();
}

export function toRecord(r: RecordFields, hash: string): AuditRecord {
  return { v: 1, ...r, hash };
}
