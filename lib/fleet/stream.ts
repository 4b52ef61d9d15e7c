// The VRAM_AUDIT stream: created when missing (file storage, no deletes, no purges, no limits),
// and refused when it exists with settings that could drop, delete or reorder records.
import { assertObject } from '../formats/args.js';
import { jetstreamManager, type JetStreamManager, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { FleetStreamConfigError, FleetUnreachableError } from '../errors.js';
import { MAX_RECORD_BYTES } from '../audit/write/record-queue.js';
import { STREAM_SUBJECTS } from './subjects.js';

export interface StreamOptions {
  name: string;
  /** Replicas when creating (1 on a single server, 3 in a cluster); checked on an existing stream only when given. */
  replicas?: number;
  /** Create the stream when it is missing (the shipper does; the verifier does not). */
  create: boolean;
}

export async function openManager(nc: NatsConnection, url: string): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc, { timeout: 10_000 });
  } catch (err) {
    throw new FleetUnreachableError(
      url,
      `the NATS server at ${url} has no JetStream (${(err as Error).message}); start nats-server with -js`,
      err,
    );
  }
}

/** What about an existing stream's configuration would break SPEC §7's guarantees, or null. */
export function streamConfigProblem(cfg: StreamConfig, replicas?: number): string | null {
  assertObject(cfg, 'config');
  for (const s of STREAM_SUBJECTS)
    if (!cfg.subjects?.includes(s)) return `its subjects ${JSON.stringify(cfg.subjects)} do not include ${s}`;
  const extra = (cfg.subjects ?? []).filter((s) => !STREAM_SUBJECTS.includes(s));
  if (extra.length > 0)
    return `it also takes ${JSON.stringify(extra)} (the audit stream takes only ${STREAM_SUBJECTS.join(' and ')})`;
  if (cfg.no_ack) return 'no_ack is on (publishes get no acknowledgement, so nothing can be confirmed as stored)';
  if (cfg.max_msg_size !== undefined && cfg.max_msg_size > 0 && cfg.max_msg_size < MAX_RECORD_BYTES)
    return `max_msg_size is ${cfg.max_msg_size}, below the largest record (${MAX_RECORD_BYTES} bytes)`;
  if (cfg.mirror) return 'it is a mirror (it takes no publishes)';
  if (cfg.allow_rollup_hdrs) return 'allow_rollup_hdrs is on (a rollup message would remove records)';
  if (
    cfg.discard === 'new' &&
    [cfg.max_msgs, cfg.max_bytes, cfg.max_age, cfg.max_msgs_per_subject].some((v) => (v ?? 0) > 0)
  )
    return 'discard is new with limits (records would be refused once a limit is reached)';
  if (cfg.storage !== 'file') return `storage is ${cfg.storage}, not file (records would not survive a server restart)`;
  if (!cfg.deny_delete) return 'deny_delete is off (records could be deleted from the stream)';
  if (!cfg.deny_purge) return 'deny_purge is off (the stream could be purged)';
  if (cfg.sealed) return 'the stream is sealed (it accepts no new records)';
  const limits: [string, number | undefined][] = [
    ['max_msgs', cfg.max_msgs],
    ['max_bytes', cfg.max_bytes],
    ['max_age', cfg.max_age],
    ['max_msgs_per_subject', cfg.max_msgs_per_subject],
  ];
  for (const [name, v] of limits) if (v !== undefined && v > 0) return `${name} is ${v} (old records would be dropped)`;
  if (cfg.retention !== undefined && cfg.retention !== 'limits')
    return `retention is ${cfg.retention} (records would be removed once consumed)`;
  if (!(cfg.duplicate_window > 0)) return 'duplicate_window is 0 (re-sent records would not be recognised)';
  if (replicas !== undefined && cfg.num_replicas !== replicas)
    return `it has ${cfg.num_replicas} replicas, not ${replicas}`;
  return null;
}

export async function ensureAuditStream(jsm: JetStreamManager, opts: StreamOptions): Promise<StreamInfo> {
  let info: StreamInfo | null = null;
  try {
    info = await jsm.streams.info(opts.name);
  } catch (err) {
    if ((err as { code?: number }).code !== 10059) throw err;
  }
  if (!info) {
    if (!opts.create) throw new FleetStreamConfigError(opts.name, `stream ${opts.name} does not exist on this server`);
    return jsm.streams.add({
      name: opts.name,
      subjects: STREAM_SUBJECTS,
      storage: 'file' as StreamConfig['storage'],
      num_replicas: opts.replicas ?? 1,
      deny_delete: true,
      deny_purge: true,
    });
  }
  const problem = streamConfigProblem(info.config, opts.replicas);
  if (problem) {
    throw new FleetStreamConfigError(
      opts.name,
      `stream ${opts.name} exists with other settings: ${problem}; use another --stream name or fix the stream`,
    );
  }
  return info;
}

/** Message counts per subject matching `filter` (e.g. vram.audit.>). */
export async function subjectCounts(
  jsm: JetStreamManager,
  stream: string,
  filter: string,
): Promise<Record<string, number>> {
  const info = await jsm.streams.info(stream, { subjects_filter: filter });
  return (info.state.subjects as Record<string, number> | undefined) ?? {};
}
