// Offline queries over a log directory, streaming record by record. Query does not verify the
// chain (use verifyAuditLog for that); lines that do not parse are skipped. Because ts never
// decreases, a query with `until` stops reading at the first record past it.
import { assertOptions } from '../../formats/args.js';
import { assertLogDir } from './log-dir.js';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { SEVERITIES, type AuditRecord, type Severity } from '../format/events.js';
import { readLines } from './line-reader.js';
import { listSegments } from '../write/segments.js';

export interface AuditQueryFilter {
  /** Exact types, or a namespace prefix written `vram.*`. */
  types?: string[];
  /** Inclusive bounds on the record's ts: a Date, epoch milliseconds or an ISO string. */
  since?: Date | number | string;
  until?: Date | number | string;
  /** Matches data.shard_id. */
  shardId?: string;
  /** Matches data.worker_id. */
  workerId?: string;
  /** Exact severities. */
  severity?: Severity | Severity[];
  /** At most this many records. */
  limit?: number;
}

function toMs(name: string, v: Date | number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError(name, 'must be a Date, epoch milliseconds or an ISO timestamp');
  return ms;
}

function typeMatcher(types: string[] | undefined): ((t: string) => boolean) | null {
  if (!types || types.length === 0) return null;
  const exact = new Set(types.filter((t) => !t.endsWith('.*')));
  const prefixes = types.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1));
  return (t) => exact.has(t) || prefixes.some((p) => t.startsWith(p));
}

/**
 * Records of a log directory that match the filter, in order, streamed one by one. Does not verify
 * the chain (use {@link verifyAuditLog}); lines that do not parse are skipped.
 */
export async function* queryAuditLog(dir: string, filter: AuditQueryFilter = {}): AsyncGenerator<AuditRecord> {
  assertLogDir(dir);
  assertOptions(filter, 'filter');
  const since = toMs('since', filter.since);
  const until = toMs('until', filter.until);
  const severities =
    filter.severity === undefined
      ? null
      : new Set(Array.isArray(filter.severity) ? filter.severity : [filter.severity]);
  if (severities)
    for (const s of severities)
      if (!SEVERITIES.includes(s)) throw new InvalidArgumentError('severity', 'must be info, warning or critical');
  const limit = filter.limit ?? Infinity;
  if (limit !== Infinity && (!Number.isSafeInteger(limit) || limit < 0))
    throw new InvalidArgumentError('limit', 'must be an integer ≥ 0');
  const matchType = typeMatcher(filter.types);
  let yielded = 0;
  if (yielded >= limit) return;
  for (const seg of listSegments(dir)) {
    for await (const { bytes, terminated, tooLong } of readLines(join(dir, seg.name))) {
      if (!terminated || tooLong) continue;
      let rec: AuditRecord;
      try {
        rec = JSON.parse(bytes.toString('utf8')) as AuditRecord;
      } catch {
        continue;
      }
      if (
        typeof rec?.ts !== 'string' ||
        typeof rec.type !== 'string' ||
        rec.data === null ||
        typeof rec.data !== 'object'
      )
        continue;
      const ms = Date.parse(rec.ts);
      if (until !== undefined && ms > until) return;
      if (since !== undefined && ms < since) continue;
      if (matchType && !matchType(rec.type)) continue;
      if (severities && !severities.has(rec.severity)) continue;
      if (filter.shardId !== undefined && rec.data.shard_id !== filter.shardId) continue;
      if (filter.workerId !== undefined && rec.data.worker_id !== filter.workerId) continue;
      yield rec;
      if (++yielded >= limit) return;
    }
  }
}

/** queryAuditLog collected into an array (use the iterator for large results). */
export async function queryAuditLogAll(dir: string, filter: AuditQueryFilter = {}): Promise<AuditRecord[]> {
  assertLogDir(dir);
  assertOptions(filter, 'filter');
  const out: AuditRecord[] = [];
  for await (const r of queryAuditLog(dir, filter)) out.push(r);
  return out;
}
