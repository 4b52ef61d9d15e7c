// Offline verification of a log directory (SPEC §4): the directory is one source of record lines
// for the shared verifier core (verify-core.ts). This file is Node-only: it reads the files and
// checks what only a directory has — segment names, sidecars, stray files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLines } from './line-reader.js';
import { listSegments, SEGMENT_PATTERN, sidecarName, type SegmentEntry } from '../write/segments.js';
import { nodeSealingCrypto } from '../write/node-crypto.js';
import { verifySealedRecordLines, type SealedVerifyOptions, type SealedVerifyResult } from './epoch-seal-verify.js';
import type { VerifyItem } from './chain-verifier.js';
import { plural } from '../../formats/plural.js';

export interface AuditVerifyResult extends SealedVerifyResult {
  segments: number;
  summary: string;
}

/** anchor, and the SPEC §6 keys: verificationKey, checkpoint (note text) with publicKey, now. */
export type AuditVerifyOptions = SealedVerifyOptions;

const SIDECAR_PATTERN = /^(audit-\d{12}\.jsonl)\.sha256$/;

/**
 * The record lines of a log directory in seq order, with directory problems in their place:
 * stray `audit-*` files first, then each segment's lines, then its sidecar check.
 */
export async function* directoryRecordLines(dir: string): AsyncGenerator<VerifyItem> {
  const segments = listSegments(dir);
  yield* strayFiles(dir, segments);
  let linesSoFar = 0; // equals the next seq while the chain is intact (the core checks that)
  for (let si = 0; si < segments.length; si++) {
    const seg = segments[si]!;
    const isLast = si === segments.length - 1;
    const sha = seg.hasSidecar ? createHash('sha256') : undefined;
    let lines = 0;
    for await (const { bytes, lineNo, terminated } of readLines(join(dir, seg.name), sha)) {
      lines = lineNo;
      yield {
        source: seg.name,
        line: lineNo,
        text: bytes,
        torn: !terminated,
        expectedSeq: lineNo === 1 ? seg.firstSeq : undefined,
      };
    }
    if (lines === 0 && (!isLast || seg.hasSidecar)) {
      yield { source: seg.name, line: 1, problem: 'empty segment', detail: 'a closed segment holds no records' };
    } else if (lines === 0 && seg.firstSeq !== linesSoFar) {
      yield {
        source: seg.name,
        line: 1,
        problem: 'segment name mismatch',
        detail: `an empty segment named for seq ${seg.firstSeq} follows seq ${linesSoFar - 1}`,
      };
    }
    linesSoFar += lines;
    if (sha) {
      const side = sidecarName(seg.name);
      if (readFileSync(join(dir, side), 'utf8') !== `${sha.digest('hex')}  ${seg.name}\n`) {
        yield {
          source: side,
          line: 1,
          problem: 'sidecar mismatch',
          detail: `the segment's SHA-256 differs from its sidecar`,
        };
      }
    } else if (!isLast) {
      // The writer leaves a sidecar beside every segment it closes (recovery restores one a crash cut off).
      yield {
        source: sidecarName(seg.name),
        line: 0,
        problem: 'missing sidecar',
        detail: `${seg.name} is followed by a newer segment but its sidecar is gone`,
      };
    }
  }
}

/** Files named like log parts that are not: a misnamed segment, a sidecar of no segment. */
function* strayFiles(dir: string, segments: SegmentEntry[]): Generator<VerifyItem> {
  const names = new Set(segments.map((s) => s.name));
  for (const name of readdirSync(dir).sort()) {
    if (!name.startsWith('audit-') || SEGMENT_PATTERN.test(name)) continue;
    const side = SIDECAR_PATTERN.exec(name);
    if (side && names.has(side[1]!)) continue;
    if (name.endsWith('.tmp')) continue; // a sidecar being written; the writer replaces it
    const why = side ? 'a sidecar of no segment' : 'named like a segment but not audit-<12 digits>.jsonl';
    yield {
      source: name,
      line: 0,
      problem: 'unexpected file',
      detail: `${name} is ${why} (records hidden or removed?)`,
    };
  }
}

/**
 * Verifies a log directory offline (SPEC §4, and §6 seals and checkpoints when their keys are
 * given): every record's shape and hash, the chain, segment names and sidecars, stray files. Never
 * throws for a broken log: the result says `intact: false` with the first failure and a summary.
 * An `anchor` ({seq, hash} kept elsewhere) also proves the log was not cut or rewritten before it.
 */
export async function verifyAuditLog(dir: string, opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  const segments = listSegments(dir).length;
  const result = await verifySealedRecordLines(
    directoryRecordLines(dir),
    { ...opts, rescan: () => directoryRecordLines(dir) },
    nodeSealingCrypto,
  );
  const e = result.firstError;
  return {
    ...result,
    segments,
    summary: e
      ? `broken at ${e.file}:${e.line}: ${e.reason} (${e.detail})`
      : `${plural(result.records, 'record')} in ${plural(segments, 'segment')} intact`,
  };
}
