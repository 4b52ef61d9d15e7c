// The audit logger's messages about itself go where the embedding application says: any logger
// with info/warn/error (here a plain collector, as console or pino would be); by default to stderr
// without the package's internal source paths.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, type OperationalLogger } from '../../lib/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { verifiedEvent } from './helpers.js';
import { repoRoot } from '../helpers/vectors.js';

/** A log directory whose open segment ends in a torn line: opening it warns that the line was cut. */
async function tornLog(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'vrr-oplog-')), 'audit');
  const log = AuditLogger.open({ dir, service: 'w1', operationalLog: { info() {}, warn() {}, error() {} } });
  log.emit(verifiedEvent(1));
  await log.close();
  const seg = listSegments(dir)[0]!;
  unlinkSync(join(dir, `${seg.name}.sha256`));
  appendFileSync(join(dir, seg.name), '{"v":1,"seq":3,"id":"01a2');
  return dir;
}

t.test("an application's own logger gets the warning", async (t) => {
  const dir = await tornLog();
  const seen: string[] = [];
  const app: OperationalLogger = {
    info: (m) => seen.push(`info ${m}`),
    warn: (m, d) => seen.push(`warn ${m} ${JSON.stringify(d)}`),
    error: (m) => seen.push(`error ${m}`),
  };
  const log = AuditLogger.open({ dir, service: 'w1', operationalLog: app });
  await log.close();
  t.match(seen, [/^warn cut a torn last line back to the last record boundary/]);
});

t.test('the default writes to stderr, without the package’s internal paths', async (t) => {
  const dir = await tornLog();
  const script = `import { AuditLogger } from ${JSON.stringify(join(repoRoot, 'dist', 'index.js'))};
    const log = AuditLogger.open({ dir: ${JSON.stringify(dir)}, service: 'w1' });
    await log.close();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, '', 'nothing on stdout');
  t.match(r.stderr, /cut a torn last line/);
  t.notMatch(r.stderr, /dist\/|\.js:\d+/, 'no source position inside the package');
});
