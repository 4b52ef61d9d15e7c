// SPEC §4 chain check over files chosen or dropped on the page (no directory access in a
// browser). INTERIM: walks the lines itself with the project's record rules (shape, strict JSON,
// JCS hash) until lib/audit's verifier accepts an async iterable of lines (helper S, issue 13);
// then this file shrinks to feeding it. Epoch seals (§6) are not checked here.
import { canonicalRecord, GENESIS_PREV, type RecordFields } from '../dist/audit/record.js';
import { AUDIT_FORMAT, type AuditRecord, type Severity } from '../dist/audit/events.js';
import { SEGMENT_PATTERN, sidecarName, sidecarText } from '../dist/audit/segments.js';
import { strictJsonProblem } from '../dist/audit/strict-json.js';
import { recordShapeProblem, type AuditFailureReason } from '../dist/audit/verify.js';
import { toHex } from '../dist/formats/hex.js';
import { loadWasm } from '../dist/wasm/index.js';

export interface AuditEventPoint {
  seq: number;
  ms: number;
  type: string;
  severity: Severity;
  /** An event that reports a failure (a refused seal, a violation, a denial…). */
  failure: boolean;
}

export interface AuditChainResult {
  intact: boolean;
  records: number;
  segments: number;
  /** Files given that are neither segments nor their sidecars. */
  ignored: string[];
  firstError: { file: string; line: number; reason: AuditFailureReason; detail: string } | null;
  /** The intact prefix of the log, for the timeline. */
  events: AuditEventPoint[];
  summary: string;
}

const FAILURE_TYPE = /fail|violation|denied|exceeded|rejected|corrupt/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

class ChainBreak extends Error {
  constructor(readonly file: string, readonly line: number, readonly reason: AuditFailureReason, readonly detail: string) {
    super(detail);
  }
}

export async function verifyAuditFiles(files: readonly File[]): Promise<AuditChainResult> {
  const wasm = await loadWasm();
  const sha256Hex = (text: string) => toHex(wasm.sha256(encoder.encode(text)));
  const byName = new Map(files.map((f) => [f.name, f]));
  const segments = files.filter((f) => SEGMENT_PATTERN.test(f.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const ignored = files.filter((f) => !SEGMENT_PATTERN.test(f.name) && !(f.name.endsWith('.sha256') && byName.has(f.name.slice(0, -7)))).map((f) => f.name);
  const events: AuditEventPoint[] = [];
  const ids = new Set<string>();
  let prev = GENESIS_PREV;
  let lastTs = '';
  let firstError: AuditChainResult['firstError'] = null;
  try {
    if (segments.length === 0) throw new ChainBreak('(none)', 0, 'empty segment', 'no audit-SSSSSSSSSSSS.jsonl segment among the files given');
    for (let si = 0; si < segments.length; si++) {
      const seg = segments[si]!;
      const bytes = new Uint8Array(await seg.arrayBuffer());
      const firstSeq = Number(SEGMENT_PATTERN.exec(seg.name)![1]);
      let lineNo = 0;
      for (let start = 0; start < bytes.length; ) {
        lineNo++;
        const nl = bytes.indexOf(0x0a, start);
        if (nl < 0) throw new ChainBreak(seg.name, lineNo, 'torn line', 'the last line has no terminating LF (a write was cut short)');
        let text: string;
        let rec: AuditRecord;
        try {
          text = utf8.decode(bytes.subarray(start, nl));
          rec = JSON.parse(text) as AuditRecord;
        } catch {
          throw new ChainBreak(seg.name, lineNo, 'unparsable line', 'not valid UTF-8 JSON');
        }
        start = nl + 1;
        const shape = recordShapeProblem(rec) ?? strictJsonProblem(text);
        if (shape) throw new ChainBreak(seg.name, lineNo, 'malformed record', shape);
        const { hash, v: _v, ...fields } = rec;
        if (sha256Hex(`${AUDIT_FORMAT}\0${canonicalRecord(fields as RecordFields)}`) !== hash) {
          throw new ChainBreak(seg.name, lineNo, 'hash mismatch', `seq ${rec.seq}: the record's hash does not recompute`);
        }
        if (rec.seq !== events.length) throw new ChainBreak(seg.name, lineNo, 'seq gap', `expected seq ${events.length}, found ${rec.seq}`);
        if (lineNo === 1 && rec.seq !== firstSeq) throw new ChainBreak(seg.name, lineNo, 'segment name mismatch', `the segment's first record is seq ${rec.seq}`);
        if (rec.prev !== prev) throw new ChainBreak(seg.name, lineNo, 'broken prev link', `seq ${rec.seq}: prev does not equal the previous record's hash`);
        if (rec.ts < lastTs) throw new ChainBreak(seg.name, lineNo, 'decreasing ts', `seq ${rec.seq}: ts ${rec.ts} is before ${lastTs}`);
        if (ids.has(rec.id)) throw new ChainBreak(seg.name, lineNo, 'duplicate id', 'this record repeats the id of an earlier record');
        ids.add(rec.id);
        prev = hash;
        lastTs = rec.ts;
        events.push({ seq: rec.seq, ms: Date.parse(rec.ts), type: rec.type, severity: rec.severity, failure: FAILURE_TYPE.test(rec.type) });
      }
      const sidecar = byName.get(sidecarName(seg.name));
      if (lineNo === 0 && (si < segments.length - 1 || sidecar)) throw new ChainBreak(seg.name, 1, 'empty segment', 'a closed segment holds no records');
      if (sidecar && (await sidecar.text()) !== sidecarText(seg.name, toHex(wasm.sha256(bytes)))) {
        throw new ChainBreak(sidecar.name, 1, 'sidecar mismatch', "the segment's SHA-256 differs from its sidecar");
      }
    }
  } catch (e) {
    if (!(e instanceof ChainBreak)) throw e;
    firstError = { file: e.file, line: e.line, reason: e.reason, detail: e.detail };
  }
  const summary = firstError
    ? `broken at ${firstError.file}:${firstError.line}: ${firstError.reason} (${firstError.detail})`
    : `${events.length} records in ${segments.length} segments intact`;
  return { intact: firstError === null, records: events.length, segments: segments.length, ignored, firstError, events, summary };
}
