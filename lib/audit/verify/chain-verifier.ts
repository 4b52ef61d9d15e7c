// The one SPEC §4 verifier. It walks record lines from any source (a log directory, a JetStream
// subject, files dropped on a web page), stops at the first broken place and names it as
// source:line with the reason. Browser-safe: no Node-only imports; SHA-256 is injected.
import { assertIterable, assertObject } from '../../formats/args.js';
import type { AuditRecord } from '../format/events.js';
import { IdBloomFilter } from './id-filter.js';
import { GENESIS_PREV, recordHashInput } from '../format/record-canonical.js';
import { strictJsonProblem } from '../../formats/strict-json.js';
import { UUID7_PATTERN } from '../format/uuid7.js';
import { FORBIDDEN_CHARS, LONE_SURROGATE, SERVICE_PATTERN, TYPE_PATTERN } from '../format/validate.js';
import { isUtcMillis } from '../../formats/utc-time.js';

export type AuditFailureReason =
  | 'torn line'
  | 'line too long'
  | 'unparsable line'
  | 'malformed record'
  | 'hash mismatch'
  | 'seq gap'
  | 'broken prev link'
  | 'decreasing ts'
  | 'duplicate id'
  | 'segment name mismatch'
  | 'sidecar mismatch'
  | 'missing sidecar'
  | 'empty segment'
  | 'unexpected file'
  | 'anchor mismatch'
  | 'service mismatch'
  // SPEC §6 (with a verification key or a checkpoint)
  | 'wrong verification key'
  | 'tag mismatch'
  | 'missing epoch seal'
  | 'record outside its epoch'
  | 'checkpoint mismatch'
  | 'truncated below checkpoint'
  | 'checkpoint signature invalid'
  | 'possibly truncated';

export interface AuditVerifyError {
  /** File name (or subject) holding the broken place. */
  file: string;
  /** 1-based line in it; 0 when the place is the end of the log. */
  line: number;
  reason: AuditFailureReason;
  detail: string;
}

/** One line of a log as a source yields it. */
export interface RecordLine {
  /** Where the line came from: a segment file name, a subject, a dropped file's name. */
  source: string;
  /** 1-based line (or message) number within the source. */
  line: number;
  /** The line without its LF; bytes are decoded as strict UTF-8 here. */
  text: string | Uint8Array;
  /** True when the source ended without a LF after this text (a write was cut short). */
  torn?: boolean;
  /** The seq the container says this line holds (a segment's name, for its first line). */
  expectedSeq?: number;
}

/** Something wrong with a container rather than a line (a sidecar, a stray file), in log order. */
export interface SourceProblem {
  source: string;
  line: number;
  problem: AuditFailureReason;
  detail: string;
}

export type VerifyItem = RecordLine | SourceProblem;
export type VerifyItems = AsyncIterable<VerifyItem> | Iterable<VerifyItem>;

/** Where a record sits, for failures. */
export interface RecordPosition {
  source: string;
  line: number;
}

/**
 * An extra check over the chain (SPEC §6 seals, checkpoints). It sees each record once the §4
 * checks passed, in order, and the end of the log; it returns the first failure it finds.
 */
export interface RecordCheck {
  /** Called with each record that passed the SPEC §4 checks, in order; returns a failure or null. */
  record(rec: AuditRecord, at: RecordPosition): AuditVerifyError | null | Promise<AuditVerifyError | null>;
  /** Called once after the last record (null for an empty log); returns a failure or null. */
  end(last: RecordPosition | null): AuditVerifyError | null | Promise<AuditVerifyError | null>;
}

export interface VerifyCoreOptions {
  /** Hex SHA-256 of the UTF-8 of a string (node:crypto in Node, the WASM module in browsers). */
  sha256Hex: (text: string) => string;
  /** A (seq, hash) pair known from elsewhere, e.g. a previous verify's `head` or an emit result: the log must contain it. */
  anchor?: { seq: number; hash: string };
  /** Extra checks (SPEC §6). */
  checks?: RecordCheck[];
  /**
   * The same items again, for an exact second pass when the fixed-size id screen reports possible
   * repeats. Without it every id is kept in memory (fine for small sources).
   */
  rescan?: () => VerifyItems;
}

export interface ChainVerifyResult {
  intact: boolean;
  records: number;
  /** Seq and hash of the last record checked: an anchor to keep elsewhere (tail truncation at a record boundary is only detectable against one). */
  head: { seq: number; hash: string } | null;
  firstError?: AuditVerifyError;
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
  if (r.severity !== 'info' && r.severity !== 'warning' && r.severity !== 'critical')
    return 'severity must be info, warning or critical';
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
  if (typeof v === 'number')
    return Number.isSafeInteger(v) ? null : 'holds a number that is not an integer within ±(2^53 − 1)';
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

function isProblem(item: VerifyItem): item is SourceProblem {
  return (item as SourceProblem).problem !== undefined;
}

const failure = (at: RecordPosition, reason: AuditFailureReason, detail: string): AuditVerifyError => ({
  file: at.source,
  line: at.line,
  reason,
  detail,
});

/** Verify the chain the items carry (SPEC §4, plus any `checks`). */
export async function verifyRecordLines(items: VerifyItems, opts: VerifyCoreOptions): Promise<ChainVerifyResult> {
  assertIterable(items);
  assertObject(opts, 'options');
  const ids = opts.rescan ? new IdBloomFilter() : null;
  const exactIds = opts.rescan ? null : new Set<string>();
  const candidates = new Set<string>();
  const checks = opts.checks ?? [];
  let expectedSeq = 0;
  let prev = GENESIS_PREV;
  let lastTs = '';
  let records = 0;
  let head: ChainVerifyResult['head'] = null;
  let last: RecordPosition | null = null;
  let error: AuditVerifyError | null = null;
  let anchorSeen = false;
  let service: string | null = null; // one service per log: the first record's

  for await (const item of items) {
    if (isProblem(item)) {
      error = failure(item, item.problem, item.detail);
      break;
    }
    const at: RecordPosition = { source: item.source, line: item.line };
    error = lineProblem(item, at);
    if (error) break;
    let text: string;
    try {
      text = typeof item.text === 'string' ? item.text : utf8.decode(item.text);
    } catch {
      error = failure(at, 'unparsable line', 'not valid UTF-8');
      break;
    }
    let rec: AuditRecord;
    try {
      rec = JSON.parse(text) as AuditRecord;
    } catch {
      error = failure(at, 'unparsable line', 'not valid JSON');
      break;
    }
    const shape = recordShapeProblem(rec) ?? strictJsonProblem(text);
    if (shape) {
      error = failure(at, 'malformed record', shape);
      break;
    }
    const { hash, ...fields } = rec;
    let recomputed = '';
    try {
      recomputed = opts.sha256Hex(recordHashInput(fields));
    } catch (err) {
      error = failure(at, 'malformed record', `data is not canonicalisable: ${(err as Error).message}`);
      break;
    }
    if (recomputed !== hash)
      error = failure(at, 'hash mismatch', `seq ${rec.seq}: the record's hash does not recompute`);
    else if (rec.seq !== expectedSeq) error = failure(at, 'seq gap', `expected seq ${expectedSeq}, found ${rec.seq}`);
    else if (item.expectedSeq !== undefined && rec.seq !== item.expectedSeq) {
      error = failure(
        at,
        'segment name mismatch',
        `the segment's name says seq ${item.expectedSeq}, its first record is seq ${rec.seq}`,
      );
    } else if (rec.prev !== prev)
      error = failure(at, 'broken prev link', `seq ${rec.seq}: prev does not equal the previous record's hash`);
    else if (rec.ts < lastTs) error = failure(at, 'decreasing ts', `seq ${rec.seq}: ts ${rec.ts} is before ${lastTs}`);
    else if (service !== null && rec.service !== service) {
      const detail = `seq ${rec.seq} names service "${rec.service}", the records before it "${service}": one service per log`;
      error = failure(at, 'service mismatch', detail);
    } else if (opts.anchor && rec.seq === opts.anchor.seq && rec.hash !== opts.anchor.hash) {
      error = failure(at, 'anchor mismatch', `seq ${rec.seq} does not have the anchored hash`);
    }
    if (error) break;
    if (opts.anchor && rec.seq === opts.anchor.seq) anchorSeen = true;
    if (exactIds) {
      if (exactIds.has(rec.id)) {
        error = failure(at, 'duplicate id', 'this record repeats the id of an earlier record');
        break;
      }
      exactIds.add(rec.id);
    } else if (ids!.addAndCheck(rec.id)) candidates.add(rec.id);
    for (const check of checks) {
      error ??= await check.record(rec, at);
    }
    if (error) break;
    lastTs = rec.ts;
    service ??= rec.service;
    prev = rec.hash;
    expectedSeq++;
    records++;
    head = { seq: rec.seq, hash: rec.hash };
    last = at;
  }

  if (!error && opts.anchor && !anchorSeen) {
    error = failure(
      { source: last?.source ?? '(no records)', line: 0 },
      'anchor mismatch',
      `the log ends before the anchored seq ${opts.anchor.seq} (records were removed from its end)`,
    );
  }
  if (!error) {
    for (const check of checks) error ??= await check.end(last);
  }
  if (candidates.size > 0 && opts.rescan) {
    const dup = await firstDuplicate(opts.rescan(), candidates, error);
    if (dup) error = failure(dup, 'duplicate id', 'this record repeats the id of an earlier record');
  }
  return error ? { intact: false, records, head, firstError: error } : { intact: true, records, head };
}

function lineProblem(item: RecordLine, at: RecordPosition): AuditVerifyError | null {
  return item.torn ? failure(at, 'torn line', 'the last line has no terminating LF (a write was cut short)') : null;
}

/**
 * Second pass, only when the Bloom filter reported possible repeats: find the first line that
 * repeats a candidate id, stopping at the first error of the main pass (anything later is moot).
 */
async function firstDuplicate(
  items: VerifyItems,
  candidates: Set<string>,
  stopAt: AuditVerifyError | null,
): Promise<RecordPosition | null> {
  const seen = new Set<string>();
  for await (const item of items) {
    if (stopAt && item.source === stopAt.file && item.line >= stopAt.line) return null;
    if (isProblem(item) || item.torn) return null;
    let id: unknown;
    try {
      const text = typeof item.text === 'string' ? item.text : utf8.decode(item.text);
      id = (JSON.parse(text) as AuditRecord).id;
    } catch {
      return null;
    }
    if (typeof id !== 'string' || !candidates.has(id)) continue;
    if (seen.has(id)) return { source: item.source, line: item.line };
    seen.add(id);
  }
  return null;
}

const encoder = new TextEncoder();

/** `sha256Hex` for the core from any byte-level SHA-256, e.g. `(b) => wasm.sha256(b)` from loadWasm(). */
export function sha256HexFrom(sha256: (bytes: Uint8Array) => Uint8Array): (text: string) => string {
  return (text) => {
    const digest = sha256(encoder.encode(text));
    let hex = '';
    for (let i = 0; i < digest.length; i++) hex += digest[i]!.toString(16).padStart(2, '0');
    return hex;
  };
}
