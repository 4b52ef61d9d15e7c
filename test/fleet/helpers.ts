// Shared helpers for the fleet tests: servers that stop at teardown, a log to ship, and both
// sides read back line by line for exact comparison.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Authenticator } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Logger, type ILogObj } from 'tslog';
import { AuditLogger } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { subjectMessages } from '../../lib/fleet/stream-records.js';
import { findNatsServer, NatsServer, NO_SERVER_MESSAGE } from './nats-server.mjs';

export const quietLog = new Logger<ILogObj>({ type: 'hidden' });
/** tap's `skip` option: the reason when nats-server is missing, else false. */
export const noServer: string | false = findNatsServer() ? false : NO_SERVER_MESSAGE;

type Teardown = { teardown(fn: () => unknown): void };

export async function server(t: Teardown): Promise<NatsServer> {
  const s = await NatsServer.start();
  t.teardown(() => s.stop());
  return s;
}

export function freshDir(name = 'log'): string {
  return join(mkdtempSync(join(tmpdir(), 'vr-fleet-')), name);
}

export function event(i: number) {
  return {
    type: 'seal.verified',
    data: { timestamp: '2026-11-23T19:01:46.000Z', shard_id: `shard-${i}`, worker_id: 'worker-1' },
  };
}

/** A closed log of n application records (plus the logger's own), in small segments. */
export async function writeLog(dir: string, n: number, service = 'w1', rotateBytes = 64 * 1024): Promise<void> {
  const log = AuditLogger.open({ dir, service, rotateBytes, operationalLog: quietLog });
  for (let i = 0; i < n; i++) {
    log.emit(event(i));
    if (i % 1000 === 999) await log.flush();
  }
  await log.close();
}

/** Every record line of a log directory, in seq order, without LFs. */
export function localLines(dir: string): string[] {
  const out: string[] = [];
  for (const seg of listSegments(dir)) {
    const text = readFileSync(join(dir, seg.name), 'utf8');
    for (const line of text.split('\n')) if (line !== '') out.push(line);
  }
  return out;
}

/** Every message on a subject, in stream order. */
export async function streamLines(
  url: string,
  subject: string,
  stream = 'VRAM_AUDIT',
  authenticator?: Authenticator,
): Promise<string[]> {
  const nc = await connect({ servers: url, reconnect: false, ...(authenticator ? { authenticator } : {}) });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream, { subjects_filter: subject });
    const count = (info.state.subjects as Record<string, number> | undefined)?.[subject] ?? 0;
    const out: string[] = [];
    for await (const m of subjectMessages(nc, stream, subject, count)) out.push(Buffer.from(m.data).toString('utf8'));
    return out;
  } finally {
    await nc.close();
  }
}

/** A writer emitting `perTick` events every 5 ms until stopped; stop() closes the log. */
export function liveWriter(log: AuditLogger, perTick: number): { stop(): Promise<void> } {
  let i = 0;
  let writing = true;
  const loop = (async () => {
    while (writing) {
      for (let k = 0; k < perTick; k++) log.emit(event(i++));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      writing = false;
      await loop;
      await log.close();
    },
  };
}

export async function waitFor(pred: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
