// Offline verification of a log directory (SPEC §4): streams every segment once, stops at the
// first broken place and names it as file:line with the reason.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord } from './events.js';
import { readLines } from './line-reader.js';
import { GENESIS_PREV, recordHash } from './record.js';
import { listSegments, sidecarName } from './segments.js';
import { UUID7_PATTERN } from './uuid7.js';
import { isUtcMillis } from '../formats/utc-time.js';
import { FORBIDDEN_CHARS, LONE_SURROGATE, SERVICE_PATTERN, TYPE_PATTERN } from './validate.js';
import { strictJsonProblem } from './strict-json.js';
import { IdBloomFilter } from './id-filter.js';

export type AuditFailureReason =
  | 'torn line'
  | 'unparsable line'
  | 'malformed record'
  | 'hash mismatch'
  | 'seq gap'
  | 'broken prev link'
  | 'decreasing ts'
  | 'duplicate id'
  | 'segment name mismatch'
  | 'sidecar mismatch'
  | 'empty segment'
  | 'anchor mismatch';

export interface AuditVerifyError {
  file: string;
  line: number;
  reason: AuditFailureReason;
  detail: string;
}

export interface AuditVerifyResult {
  intact: boolean;
  records: number;
  segments: number;
  /** Seq and hash of the last record checked: an anchor to keep elsewhere (tail truncation at a record boundary is only detectable against one). */
  head: { seq: number; hash: string } | null;
  firstError?: AuditVerifyError;
  summary: string;
}

export interface AuditVerifyOptions {
  /** A (seq, hash) pair known from elsewhere, e.g. a previous verify's `head` or an emit result: the log must contain it. */
  anchor?: { seq: number; hash: string };
}

const MEMBERS = ['v', 'seq', 'id', 'ts', 'service', 'type', 'severity', 'data', 'prev', 'hash'];
const HEX64 = /^[0-9a-f]{64}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The first rule of SPEC §4's record shape that `rec` breaks, or null. */
export function recordShapeProblem(rec: unknown): string | null {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return 'not a JSON object';
  const r = rec as Record<string, unknown>;
  const keys = Object.keys(r);
  for (const k of keys) if (!MEMBERS.includes(k)) return `unexpected member "${k.slice(0, 32)}"`;
  for (const k of MEMBERS) if (!(k in r)) return `missing member "${k}"`;
  if (r.v !== 1) return 'v must be 1';
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 0) return 'seq must be an integer ≥ 0';
  if (typeof r.id !== 'string' || !UUID7_PATTERN.test(r.id)) return 'id must be a lowercase UUIDv7';
  if (!isUtcMillis(r.ts)) return 'ts must be a real UTC time written YYYY-MM-DDTHH:MM:SS.mmmZ';
  if (typeof r.service !== 'string' || !SERVICE_PATTERN.test(r.service)) return 'service is malformed';
  if (typeof r.type !== 'string' || !TYPE_PATTERN.test(r.type)) return 'type is malformed';
  if (r.severity !== 'info' && r.severity !== 'warning' && r.severity !== 'critical') return 'severity must be info, warning or critical';
  if (r.data === null || typeof r.data !== 'object' || Array.isArray(r.data)) return 'data must be an object';
  const inData = dataValueProblem(r.data);
  if (inData) return `data ${inData}`;
  if (typeof r.prev !== 'string' || !HEX64.test(r.prev)) return 'prev must be 64 hex';
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) return 'hash must be 64 hex';
  return null;
}

/** SPEC §4 value rules inside data (the reader's rules only; the writer's limits are stricter). */
function dataValueProblem(v: unknown): string | null {
  if (v === null || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? null : 'holds a number that is not an integer within ±(2^53 − 1)';
  if (typeof v === 'string') {
    if (FORBIDDEN_CHARS.test(v)) return 'holds a control or bidi control character';
    return LONE_SURROGATE.test(v) ? 'holds a lone surrogate' : null;
  }
  const children = Array.isArray(v) ? v : Object.entries(v as object).flat();
  for (const child of children) {
    const problem = dataValueProblem(child);
    if (problem) return problem;
  }
  return null;
}

interface Position {
  segmentIndex: number;
  file: string;
  line: number;
}

export async function verifyAuditLog(dir: string, opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  const segments = listSegments(dir);
  const ids = new IdBloomFilter();
  const candidates = new Set<string>();
  let expectedSeq = 0;
  let prev = GENESIS_PREV;
  let lastTs = '';
  let records = 0;
  let head: AuditVerifyResult['head'] = null;
  let error: (AuditVerifyError & { segmentIndex: number }) | null = null;
  let anchorSeen = false;

  const fail = (segmentIndex: number, file: string, line: number, reason: AuditFailureReason, detail: string) => {
    error = { segmentIndex, file, line, reason, detail };
  };

  segmentLoop: for (let si = 0; si < segments.length; si++) {
    const seg = segments[si]!;
    const sha = createHash('sha256');
    let lines = 0;
    for await (const { bytes, lineNo, terminated } of readLines(join(dir, seg.name), sha)) {
      lines = lineNo;
      if (!terminated) {
        fail(si, seg.name, lineNo, 'torn line', 'the last line has no terminating LF (a write was cut short)');
        break segmentLoop;
      }
      let rec: AuditRecord;
      try {
        rec = JSON.parse(utf8.decode(bytes)) as AuditRecord;
      } catch {
        fail(si, seg.name, lineNo, 'unparsable line', 'not valid UTF-8 JSON');
        break segmentLoop;
      }
      const shape = recordShapeProblem(rec) ?? strictJsonProblem(utf8.decode(bytes));
      if (shape) {
        fail(si, seg.name, lineNo, 'malformed record', shape);
        break segmentLoop;
      }
      const { hash, ...fields } = rec;
      let recomputed = '';
      try {
        recomputed = recordHash(fields);
      } catch (err) {
        fail(si, seg.name, lineNo, 'malformed record', `data is not canonicalisable: ${(err as Error).message}`);
        break segmentLoop;
      }
      if (recomputed !== hash) {
        fail(si, seg.name, lineNo, 'hash mismatch', `seq ${rec.seq}: the record's hash does not recompute`);
        break segmentLoop;
      }
      if (rec.seq !== expectedSeq) {
        fail(si, seg.name, lineNo, 'seq gap', `expected seq ${expectedSeq}, found ${rec.seq}`);
        break segmentLoop;
      }
      if (lineNo === 1 && rec.seq !== seg.firstSeq) {
        fail(si, seg.name, lineNo, 'segment name mismatch', `the segment's first record is seq ${rec.seq}`);
        break segmentLoop;
      }
      if (rec.prev !== prev) {
        fail(si, seg.name, lineNo, 'broken prev link', `seq ${rec.seq}: prev does not equal the previous record's hash`);
        break segmentLoop;
      }
      if (rec.ts < lastTs) {
        fail(si, seg.name, lineNo, 'decreasing ts', `seq ${rec.seq}: ts ${rec.ts} is before ${lastTs}`);
        break segmentLoop;
      }
      if (ids.addAndCheck(rec.id)) candidates.add(rec.id);
      if (opts.anchor && rec.seq === opts.anchor.seq) {
        if (rec.hash !== opts.anchor.hash) {
          fail(si, seg.name, lineNo, 'anchor mismatch', `seq ${rec.seq} does not have the anchored hash`);
          break segmentLoop;
        }
        anchorSeen = true;
      }
      lastTs = rec.ts;
      prev = rec.hash;
      expectedSeq++;
      records++;
      head = { seq: rec.seq, hash: rec.hash };
    }
    if (lines === 0 && (si < segments.length - 1 || seg.hasSidecar)) {
      fail(si, seg.name, 1, 'empty segment', 'a closed segment holds no records');
      break;
    }
    if (seg.hasSidecar) {
      const side = sidecarName(seg.name);
      const expected = `${sha.digest('hex')}  ${seg.name}\n`;
      if (readFileSync(join(dir, side), 'utf8') !== expected) {
        fail(si, side, 1, 'sidecar mismatch', `the segment's SHA-256 differs from its sidecar`);
        break;
      }
    }
  }

  if (!error && opts.anchor && !anchorSeen) {
    const last = segments[segments.length - 1];
    fail(segments.length - 1, last?.name ?? '(no segment)', 0, 'anchor mismatch', `the log ends before the anchored seq ${opts.anchor.seq} (records were removed from its end)`);
  }

  if (candidates.size > 0) {
    const dup = await firstDuplicate(dir, segments.map((s) => s.name), candidates, error);
    if (dup) error = { ...dup, reason: 'duplicate id', detail: 'this record repeats the id of an earlier record' };
  }

  const final = error as (AuditVerifyError & { segmentIndex: number }) | null;
  if (final) {
    const { segmentIndex: _, ...firstError } = final;
    return {
      intact: false,
      records,
      segments: segments.length,
      head,
      firstError,
      summary: `broken at ${firstError.file}:${firstError.line}: ${firstError.reason} (${firstError.detail})`,
    };
  }
  return { intact: true, records, segments: segments.length, head, summary: `${records} records in ${segments.length} segments intact` };
}

/**
 * Second pass, only when the Bloom filter reported possible repeats: find the first line that
 * repeats a candidate id, stopping at the first error of the main pass (anything later is moot).
 */
async function firstDuplicate(dir: string, names: string[], candidates: Set<string>, stopAt: Position | null): Promise<Position | null> {
  const seen = new Set<string>();
  for (let si = 0; si < names.length; si++) {
    if (stopAt && si > stopAt.segmentIndex) return null;
    for await (const { bytes, lineNo, terminated } of readLines(join(dir, names[si]!))) {
      if (stopAt && si === stopAt.segmentIndex && lineNo >= stopAt.line) return null;
      if (!terminated) return null;
      let id: unknown;
      try {
        id = (JSON.parse(bytes.toString('utf8')) as AuditRecord).id;
      } catch {
        return null;
      }
      if (typeof id !== 'string' || !candidates.has(id)) continue;
      if (seen.has(id)) return { segmentIndex: si, file: names[si]!, line: lineNo };
      seen.add(id);
    }
  }
  return null;
}
