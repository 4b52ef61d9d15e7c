// Issue 10 #14: `audit query` streams: --json prints the same one document as before but in
// constant memory (checked under a 48 MiB heap, on a log far bigger than that would allow if it
// were collected), and a reader that goes away (`| head`) ends it quietly.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'vrr-query-'));
const logDir = join(work, 'audit');
const RECORDS = 150_000;

// Query reads records without checking the chain, so a synthetic segment is enough here.
mkdirSync(logDir);
const fd = openSync(join(logDir, 'audit-000000000000.jsonl'), 'w');
let batch: string[] = [];
for (let seq = 0; seq < RECORDS; seq++) {
  const ts = new Date(Date.UTC(2026, 10, 30) + seq).toISOString();
  batch.push(
    JSON.stringify({
      seq,
      ts,
      type: 'seal.verified',
      severity: 'info',
      data: { shard_id: `shard-${seq}`, worker_id: 'w-1', note: 'n'.repeat(120) },
    }),
  );
  if (batch.length === 10_000) {
    writeSync(fd, batch.join('\n') + '\n');
    batch = [];
  }
}
closeSync(fd);

t.test('--json streams one document, in a heap too small to hold the records', async (t) => {
  const outPath = join(work, 'query.json');
  const out = openSync(outPath, 'w');
  const r = spawnSync(process.execPath, ['--max-old-space-size=48', CLI, 'audit', 'query', logDir, '--json'], {
    stdio: ['ignore', out, 'pipe'],
    encoding: 'utf8',
    timeout: 120_000,
  });
  closeSync(out);
  t.equal(r.status, 0, r.stderr.slice(0, 400));
  const text = readFileSync(outPath, 'utf8');
  const records = JSON.parse(text);
  t.equal(records.length, RECORDS);
  t.equal(records.at(-1).seq, RECORDS - 1);
  t.equal(text, JSON.stringify(records, null, 2) + '\n', 'byte for byte what JSON.stringify(records, null, 2) prints');
  const none = spawnSync(process.execPath, [CLI, 'audit', 'query', logDir, '--type', 'no.such', '--json'], {
    encoding: 'utf8',
  });
  t.equal(none.stdout, '[]\n', 'an empty result is []');
});

t.test('a closed pipe ends the query quietly', async (t) => {
  for (const json of [false, true]) {
    const child = spawn(process.execPath, [CLI, 'audit', 'query', logDir, ...(json ? ['--json'] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy()); // like `| head -c …`
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    t.equal(status, 0, `${json ? '--json' : 'lines'}: exit status 0`);
    t.equal(stderr, '', `${json ? '--json' : 'lines'}: no EPIPE stack trace`);
  }
});

t.test('an error after the array began is not a second document: stderr, status 2, array left open', async (t) => {
  const dir = join(work, 'broken');
  mkdirSync(dir);
  const seg = openSync(join(dir, 'audit-000000000000.jsonl'), 'w');
  writeSync(
    seg,
    JSON.stringify({ seq: 0, ts: '2026-11-30T00:00:00.000Z', type: 'x.y', severity: 'info', data: {} }) + '\n',
  );
  closeSync(seg);
  mkdirSync(join(dir, 'audit-000000000001.jsonl')); // a "segment" that cannot be read
  const r = spawnSync(process.execPath, [CLI, 'audit', 'query', dir, '--json'], { encoding: 'utf8' });
  t.equal(r.status, 2);
  t.match(r.stdout, /^\[\n {2}\{/, 'the records before the failure');
  t.throws(() => JSON.parse(r.stdout), SyntaxError, 'no closing bracket: a parser sees it is incomplete');
  t.match(r.stderr, /^error: \{"ok":false,"error":\{"code":"E_IO","message":"EISDIR[^\n]*\n$/);
});
