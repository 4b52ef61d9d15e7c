// The audit log check the page runs: the project's verifier core (SPEC §4, and §6 epoch seals
// when a verification key is given) over the chosen files, with WASM crypto; plus the events of
// the intact part of the log, for the timeline.
import { loadWasm, sha256HexFrom, verifySealedRecordLines } from '../lib/browser/internal.js';
import type { AuditVerifyError, SealingReport, Severity } from '../lib/browser/internal.js';
import { fileRecordLines, sortLogFiles } from './audit-files.js';

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
  /** Files given that are no part of a log. */
  ignored: string[];
  firstError: AuditVerifyError | null;
  /** The intact part of the log, for the timeline. */
  events: AuditEventPoint[];
  sealing: SealingReport | null;
  summary: string;
}

const FAILURE_TYPE = /fail|violation|denied|exceeded|rejected|corrupt/;
const utf8 = new TextDecoder();

function eventOf(text: Uint8Array): AuditEventPoint | null {
  try {
    const r = JSON.parse(utf8.decode(text)) as { seq: number; ts: string; type: string; severity: Severity };
    return { seq: r.seq, ms: Date.parse(r.ts), type: r.type, severity: r.severity, failure: FAILURE_TYPE.test(r.type) };
  } catch {
    return null; // the verifier reports the line; the timeline stops before it anyway
  }
}

/** `verificationKey`: the text of a vram-residency.audit-vkey.v1 file, or null. Throws E_ARG/E_KEY for an unusable key. */
export async function verifyAuditFiles(
  files: readonly File[],
  verificationKey: string | null,
): Promise<AuditChainResult> {
  const wasm = await loadWasm();
  const sha256 = (b: Uint8Array) => wasm.sha256(b);
  const log = sortLogFiles(files);
  const events: AuditEventPoint[] = [];
  const collect = (text: Uint8Array) => {
    const e = eventOf(text);
    if (e) events.push(e);
  };
  const crypto = {
    sha256Hex: sha256HexFrom(sha256),
    sha256,
    hmacSha256: (k: Uint8Array, d: Uint8Array) => wasm.hmacSha256(k, d),
  };
  const result = await verifySealedRecordLines(
    fileRecordLines(log, sha256, collect),
    // A log whose writer stopped long ago is shown with the "stale" caveat (and the possibility of a
    // cut end spelled out there), not failed: the page has no checkpoint to tell the two apart.
    {
      ...(verificationKey !== null ? { verificationKey, acceptStale: true } : {}),
      rescan: () => fileRecordLines(log, sha256),
    },
    crypto,
  );
  const firstError =
    result.firstError ??
    (log.layout.segments.length === 0
      ? {
          file: '(none)',
          line: 0,
          reason: 'empty segment' as const,
          detail: 'no audit-SSSSSSSSSSSS.jsonl segment among the files given',
        }
      : null);
  const summary = firstError
    ? `broken at ${firstError.file}:${firstError.line}: ${firstError.reason} (${firstError.detail})`
    : `${result.records} record${result.records === 1 ? '' : 's'} in ${log.layout.segments.length} segment${log.layout.segments.length === 1 ? '' : 's'} intact`;
  return {
    intact: firstError === null,
    records: result.records,
    segments: log.layout.segments.length,
    ignored: log.layout.ignored,
    firstError,
    events: events.slice(0, result.records),
    sealing: result.sealing ?? null,
    summary,
  };
}
