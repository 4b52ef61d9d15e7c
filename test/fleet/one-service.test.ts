// One log, one service (issue 20): a default `seal` run twice keeps one service per log (the
// default worker id is stable), the logger refuses a second service, `audit verify DIR` reports
// a log that mixes services as broken at the line where the second starts, and `audit ship`
// publishes nothing from such a log.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { AuditLogger, buildRecordLine, Uuid7Generator } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { sidecarName, sidecarText } from '../../lib/audit/format/log-layout.js';
import { freshDir, localLines, noServer, quietLog, server, writeLog } from './helpers.js';
import { cliWith, shipOnce } from './identities.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

t.test('seal twice with defaults: one service in the default audit directory', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'vr-one-'));
  const model = join(work, 'model.bin');
  writeFileSync(model, randomBytes(4096));
  for (let i = 0; i < 2; i++) {
    const r = spawnSync(
      process.execPath,
      [CLI, 'seal', model, '--simulate', '--out', join(work, `r${i}.json`), '--json'],
      {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, VRAM_RESIDENCY_TOKEN: 'test-worker-token-0123456789abcdef' },
      },
    );
    t.equal(r.status, 0, r.stderr);
  }
  const dir = join(work, 'vram-residency-audit');
  t.ok(existsSync(dir));
  const services = new Set(localLines(dir).map((l) => JSON.parse(l).service));
  t.equal(services.size, 1, `one service in the log (${[...services].join(', ')})`);
  t.notMatch([...services][0], new RegExp(`-${process.pid}$`), 'not a per-process id');
  const v = cliWith({}, 'audit', 'verify', dir, '--json');
  t.equal(v.status, 0, v.stdout);
});

t.test('the logger refuses a second service in one log, naming both', async (t) => {
  const dir = freshDir();
  await writeLog(dir, 3, 'svc-a');
  t.throws(() => AuditLogger.open({ dir, service: 'svc-b', operationalLog: quietLog }), {
    code: 'E_ARG',
    message: /"svc-b".*service "svc-a"/,
  });
  const again = AuditLogger.open({ dir, service: 'svc-a', operationalLog: quietLog });
  await again.close();
  t.equal(new Set(localLines(dir).map((l) => JSON.parse(l).service)).size, 1);
});

/** A log of svc-a with, at its end, records of svc-b that chain and hash correctly (two writers, one directory). */
async function mixedLog(): Promise<{ dir: string; line: number; segment: string }> {
  const dir = freshDir();
  await writeLog(dir, 5, 'svc-a');
  const seg = listSegments(dir).at(-1)!;
  const path = join(dir, seg.name);
  const lines = localLines(dir);
  let last = JSON.parse(lines.at(-1)!);
  const ids = new Uuid7Generator();
  for (let i = 0; i < 3; i++) {
    const ts = Date.parse(last.ts) + 1;
    const { line, hash } = buildRecordLine({
      v: 1,
      seq: last.seq + 1,
      id: ids.next(ts),
      ts: new Date(ts).toISOString(),
      service: 'svc-b',
      type: 'seal.verified',
      severity: 'info',
      data: { timestamp: '2026-11-23T19:01:46.000Z', shard_id: `b-${i}`, worker_id: 'svc-b' },
      prev: last.hash,
    } as Parameters<typeof buildRecordLine>[0]);
    appendFileSync(path, line);
    last = { ...JSON.parse(line.trimEnd()), hash };
  }
  if (existsSync(join(dir, sidecarName(seg.name)))) {
    const { readFileSync } = await import('node:fs');
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    writeFileSync(join(dir, sidecarName(seg.name)), sidecarText(seg.name, sha));
  }
  const inSegment = localLines(dir).length - (seg.firstSeq ?? 0) - 2; // 1-based line of the first svc-b record
  return { dir, line: inSegment, segment: seg.name };
}

t.test('audit verify DIR reports a mixed log as broken at the line where the second service starts', async (t) => {
  const { dir, line, segment } = await mixedLog();
  const r = cliWith({}, 'audit', 'verify', dir, '--json');
  t.equal(r.status, 1, r.stdout);
  t.match(r.json().firstError, { file: segment, line, reason: 'service mismatch', detail: /"svc-b".*"svc-a"/ });
});

t.test('audit ship publishes nothing from a log that mixes services', { skip: noServer }, async (t) => {
  const srv = await server(t);
  const { dir } = await mixedLog();
  const r = shipOnce({}, dir, srv.url);
  t.equal(r.status, 1, r.stdout + r.stderr);
  t.match(r.json().error, { code: 'E_AUDIT_CORRUPT', message: /names service "svc-b".*nothing was published/ });
  const nc = await connect({ servers: srv.url });
  const info = await (await jetstreamManager(nc)).streams.info('VRAM_AUDIT');
  await nc.close();
  t.equal(info.state.messages, 0, 'the stream holds nothing');
});
