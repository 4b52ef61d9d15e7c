// The text a SPEC §4 record hash covers: ASCII `vram-residency.audit.v1`, 0x00, then the RFC 8785
// form of the record without `hash`. No hashing here (and no Node-only imports), so the verifier
// core can run in browsers with any SHA-256 it is given.
import { assertObject } from '../../formats/args.js';
import { canonicalJson } from './canonical-json.js';
import { AUDIT_FORMAT, type AuditRecord } from './events.js';

export const GENESIS_PREV = '0'.repeat(64);
export const HASH_PREFIX = AUDIT_FORMAT + '\0'; // ASCII, so its UTF-8 bytes are the SPEC's prefix bytes

/** A record's members before `v` and `hash` are added. */
export type RecordFields = Omit<AuditRecord, 'v' | 'hash'>;

export interface Quoted {
  data: string;
  id: string;
  prev: string;
  seq: string;
  service: string;
  severity: string;
  ts: string;
  type: string;
}

export function quote(r: RecordFields): Quoted {
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
export function canonicalFromQuoted(q: Quoted): string {
  return (
    '{"data":' +
    q.data +
    ',"id":' +
    q.id +
    ',"prev":' +
    q.prev +
    ',"seq":' +
    q.seq +
    ',"service":' +
    q.service +
    ',"severity":' +
    q.severity +
    ',"ts":' +
    q.ts +
    ',"type":' +
    q.type +
    ',"v":1}'
  );
}

/** The JCS text the hash covers (the record without `hash`). */
export function canonicalRecord(r: RecordFields): string {
  assertObject(r, 'record');
  return canonicalFromQuoted(quote(r));
}

/** Everything SHA-256 takes for the record's hash (UTF-8 of this text). */
export function recordHashInput(r: RecordFields): string {
  return HASH_PREFIX + canonicalRecord(r);
}
