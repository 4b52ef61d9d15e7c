// One SPEC §4 record as the writer makes it: the line as written (members in the order v, seq,
// id, ts, service, type, severity, data, prev, hash) and its hash over the RFC 8785 form of
// everything but `hash`, hashed with node:crypto. The hashed text itself is browser-safe
// (../format/record-canonical.ts); verifiers hash it with whatever SHA-256 they are given.
import { assertObject } from '../../formats/args.js';
import * as crypto from 'node:crypto';
import type { AuditRecord } from '../format/events.js';
import { canonicalAndWritten } from '../format/canonical-json.js';
import {
  canonicalFromQuoted,
  canonicalRecord,
  HASH_PREFIX,
  quote,
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

/**
 * The record's line including the trailing LF, and its hash, for any record fields; each member is
 * serialised once for both. The logger builds its own records with OwnRecordLines (below).
 */
export function buildRecordLine(r: RecordFields): { line: string; hash: string } {
  assertObject(r, 'record');
  const q = quote(r);
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

/**
 * The lines of one writer's records, the same as buildRecordLine makes them but faster: every member but
 * `data` is the writer's own (seq a safe integer, id a UUID, ts ISO 8601, prev hex; service, type
 * and severity matched their patterns when the logger took them), so nothing but `data` is
 * quoted, and the text around them is made once per type and severity. Building strings from
 * fewer pieces matters: V8 flattens each rope before hashing or encoding it, at a cost that grows
 * with the number of pieces.
 */
export class OwnRecordLines {
  readonly #service: string;
  readonly #frames = new Map<string, Map<string, Frame>>();

  constructor(service: string) {
    this.#service = service;
  }

  /** The line (with LF), its hash and its UTF-8 size. */
  build(
    seq: number,
    id: string,
    ts: string,
    type: string,
    severity: string,
    data: Record<string, unknown>,
    prev: string,
  ): { line: string; hash: string; bytes: number } {
    const f = this.#frame(type, severity);
    const { canonical, written: lineData } = canonicalAndWritten(data);
    const hash = sha256Hex(
      CANON_HEAD + canonical + ',"id":"' + id + '","prev":"' + prev + '","seq":' + seq + f.canonMid + ts + f.canonTail,
    );
    const line =
      '{"v":1,"seq":' +
      seq +
      ',"id":"' +
      id +
      '","ts":"' +
      ts +
      f.lineMid +
      lineData +
      ',"prev":"' +
      prev +
      '","hash":"' +
      hash +
      '"}\n';
    // Only data can hold non-ASCII text; its JSON is one flat string, so measuring it is cheap.
    return { line, hash, bytes: line.length + Buffer.byteLength(lineData) - lineData.length };
  }

  #frame(type: string, severity: string): Frame {
    // Keyed by type, then severity: a joined key would be a new string to hash on every record.
    let bySeverity = this.#frames.get(type);
    if (bySeverity === undefined) {
      bySeverity = new Map();
      if (this.#frames.size < 4096) this.#frames.set(type, bySeverity);
    }
    let f = bySeverity.get(severity);
    if (f === undefined) {
      f = {
        lineMid: '","service":"' + this.#service + '","type":"' + type + '","severity":"' + severity + '","data":',
        canonMid: ',"service":"' + this.#service + '","severity":"' + severity + '","ts":"',
        canonTail: '","type":"' + type + '","v":1}',
      };
      bySeverity.set(severity, f);
    }
    return f;
  }
}

/** The text around ts and data that depends only on service, type and severity. */
interface Frame {
  lineMid: string;
  canonMid: string;
  canonTail: string;
}
const CANON_HEAD = HASH_PREFIX + '{"data":';

/** Milliseconds → SPEC timestamp text. */
export function formatTs(ms: number): string {
  return new Date(ms).toISOString();
}

export function toRecord(r: RecordFields, hash: string): AuditRecord {
  return { v: 1, ...r, hash };
}
