// Offline verification of a log directory (SPEC §4): the directory is one source of record lines
// for the one verifier (chain-verifier.ts, with epoch-seal-verify.ts for SPEC §6). Node-only, and
// thin: it lists the names and reads the files; the rules about segment names, sidecars and stray
// files are log-source.ts's, shared with the page.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileIoError, InvalidArgumentError } from '../../errors.js';
import { logLayout, type LogLayout } from '../format/log-layout.js';
import { assertOptions } from '../../formats/args.js';
import { nodeSealingCrypto } from '../write/node-crypto.js';
import type { VerifyItem } from './chain-verifier.js';
import { plural } from '../../formats/plural.js';
import { verifySealedRecordLines, type SealedVerifyOptions, type SealedVerifyResult } from './epoch-seal-verify.js';
import { readLines } from './line-reader.js';
import { logSourceItems, type LogSource } from './log-source.js';

/** What {@link verifyAuditLog} reports: the verifier's result, the number of segments, one summary line. */
export interface AuditVerifyResult extends SealedVerifyResult {
  segments: number;
  summary: string;
}

/** anchor, and the SPEC §6 keys: verificationKey, checkpoint (note text) with publicKey, now. */
export type AuditVerifyOptions = SealedVerifyOptions;

/**
 * The layout of a log directory. Throws E_ARG when `dir` is not a directory or holds no segment
 * (it is not an audit log: calling it intact with 0 records would mislead), E_IO when it
 * cannot be read.
 */
export function auditDirLayout(dir: string): LogLayout {
  if (typeof dir !== 'string' || dir === '') throw new InvalidArgumentError('dir', 'must be a directory path');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new InvalidArgumentError('dir', `${dir} is not a directory`);
    if (code === 'ENOENT') throw new InvalidArgumentError('dir', `cannot read ${dir} (ENOENT: no such directory)`);
    throw new FileIoError(`cannot read ${dir}: ${code}`, error);
  }
  const layout = logLayout(names);
  if (layout.segments.length === 0) {
    throw new InvalidArgumentError('dir', `${dir} holds no audit segments (audit-<seq>.jsonl): it is not an audit log`);
  }
  return layout;
}

function directorySource(dir: string, names: string[]): LogSource {
  return {
    names,
    segment(name, hashed) {
      const sha = hashed ? createHash('sha256') : undefined;
      return { lines: readLines(join(dir, name), sha), sha256Hex: () => sha!.digest('hex') };
    },
    text: (name) => readFileSync(join(dir, name), 'utf8'),
  };
}

/**
 * The record lines of a log directory in seq order, with directory problems in their place:
 * stray `audit-*` files first, then each segment's lines, then its sidecar check.
 */
export async function* directoryRecordLines(dir: string): AsyncGenerator<VerifyItem> {
  yield* logSourceItems(directorySource(dir, readdirSync(dir)));
}

/**
 * Verifies a log directory offline (SPEC §4, and §6 seals and checkpoints when their keys are
 * given): every record's shape and hash, the chain, segment names and sidecars, stray files. Never
 * throws for a broken log: the result says `intact: false` with the first failure and a summary.
 * Throws E_ARG for a directory that is not an audit log at all (no segment), E_IO for one
 * that cannot be read. An `anchor` ({seq, hash} kept elsewhere) also proves the log was not cut or
 * rewritten before it.
 */
export async function verifyAuditLog(dir: string, opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  assertOptions(opts);
  const segments = auditDirLayout(dir).segments.length;
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
