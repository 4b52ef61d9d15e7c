// Issue 21 item 6: `audit verify` never holds a line past the 64 KiB record cap. A huge line (here
// 48 MiB of ASCII, under a node heap too small to hold it twice) is reported as `line too long` at
// its file:line, not as "not valid UTF-8", by the real CLI and the API; query skips it and goes on.
import t from 'tap';
import { closeSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger, queryAuditLogAll, verifyAuditLog } from '../../lib/audit/index.js';
import { listSegments } from '../../lib/audit/write/segments.js';
import { readLines, MAX_LINE_BYTES } from '../../lib/audit/verify/line-reader.js';
import { runCli } from '../helpers/cli.js';
import { quietLog, verifiedEvent } from './helpers.js';

async function logWithLongLine(
  bytes: number,
  terminated = true,
): Promise<{ dir: string; segment: string; records: number }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'vrr-line-cap-')), 'log');
  const log = AuditLogger.open({ dir, service: 'cap', operationalLog: quietLog });
  log.emit(verifiedEvent(0));
  await log.close();
  const segment = listSegments(dir).at(-1)!.name;
  const records = readFileSync(join(dir, segment), 'utf8').split('\n').length - 1;
  const fd = openSync(join(dir, segment), 'a');
  const block = Buffer.alloc(1 << 20, 0x61); // ASCII 'a'
  for (let left = bytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(left, block.length));
  if (terminated) writeSync(fd, '\n' + readFileSync(join(dir, segment), 'utf8').split('\n')[0] + '\n');
  closeSync(fd);
  return { dir, segment, records };
}

t.test('a 48 MiB line is `line too long` at file:line (CLI, small heap) and the API', async (t) => {
  const { dir, segment } = await logWithLongLine(48 << 20);
  const lines = readFileSync(join(dir, segment), 'latin1').split('\n').length - 1;
  const r = runCli(dir, ['audit', 'verify', dir, '--json'], { nodeArgs: ['--max-old-space-size=40'] });
  t.equal(r.status, 1, r.stderr.slice(0, 400));
  t.match(r.json, { intact: false, firstError: { reason: 'line too long', file: segment, line: lines - 1 } });
  const human = runCli(dir, ['audit', 'verify', dir], { nodeArgs: ['--max-old-space-size=40'] });
  t.match(human.stdout + human.stderr, new RegExp(`${segment.replace('.', '\\.')}:${lines - 1}.*line too long`));
  const v = await verifyAuditLog(dir);
  t.match(v.firstError, { reason: 'line too long', detail: /64 KiB/ });
  const records = await queryAuditLogAll(dir);
  t.equal(records.at(-1)?.seq, 0, 'query skips the long line and reads the next record');
});

t.test('the reader yields a line of exactly the cap, marks one byte more, and a long torn tail', async (t) => {
  for (const [bytes, terminated, tooLong] of [
    [MAX_LINE_BYTES, true, false],
    [MAX_LINE_BYTES + 1, true, true],
    [3 << 20, false, true],
  ] as const) {
    const { dir, segment, records } = await logWithLongLine(bytes, terminated);
    const got = [];
    for await (const l of readLines(join(dir, segment))) got.push(l);
    const long = got[got.length - (terminated ? 2 : 1)]!;
    t.equal(long.tooLong === true, tooLong, `${bytes} bytes: tooLong ${tooLong}`);
    t.equal(long.terminated, terminated);
    t.equal(long.bytes.length, tooLong ? 0 : bytes);
    t.equal(got.length, records + (terminated ? 2 : 1), 'the lines after it are still read');
  }
});
