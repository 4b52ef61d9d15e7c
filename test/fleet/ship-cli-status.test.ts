// `audit ship` followed as a user runs it through npx: status lines only when something changed
// (in words, never "seq -1"), and the shipper stops when the process that started it is stopped
// with SIGTERM and does not pass the signal on (as npx does), instead of running on under PID 1.
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freshDir, noServer, server, waitFor, writeLog } from './helpers.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

// Like npx: starts the command as its child and dies on SIGTERM without forwarding it.
const WRAPPER = `
const { spawn } = require('node:child_process');
spawn(process.execPath, JSON.parse(process.argv[1]), { stdio: 'inherit' });
setInterval(() => {}, 1 << 30);
`;

t.test('ship follows quietly, and stops when its npx-like parent is SIGTERMed', { skip: noServer }, async (t) => {
  const srv = await server(t);
  const dir = freshDir();
  await writeLog(dir, 50);
  const args = [CLI, 'audit', 'ship', dir, '--nats', srv.url, '--status-interval', '100'];
  const wrapper = spawn(process.execPath, ['-e', WRAPPER, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  wrapper.stdout.on('data', (d) => (stdout += d));
  wrapper.stderr.on('data', (d) => (stderr += d));
  // The pipes close only when every process holding them has exited: the wrapper and the shipper.
  const closed = new Promise<void>((resolve) => wrapper.stdout.once('close', () => resolve()));
  // The log holds the 50 events and the logger's own records: caught up when shipped equals local.
  await waitFor(() => /idle: w1 shipped up to seq (\d+), local log at seq \1, caught up/.test(stderr), 30_000, 'idle');
  const idleLines = stderr.split('\n').length;
  const start = Date.now();
  await waitFor(() => Date.now() - start > 1000, 5000, 'ten status intervals'); // an absence of output can only be observed over time
  t.equal(stderr.split('\n').length, idleLines, 'no status line while nothing changes');
  wrapper.kill('SIGTERM');
  const stopped = await Promise.race([
    closed.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 30_000).unref()),
  ]);
  t.ok(stopped, 'the shipper exited after its parent was SIGTERMed');
  t.notMatch(stderr, /seq -1/, 'never "seq -1"');
  const lines = stderr.trim().split('\n');
  t.ok(
    lines.every((line, i) => i === 0 || line !== lines[i - 1]),
    `no status line repeats the one before:\n${stderr}`,
  );
  t.match(stdout, /shipped \d+ records of w1 to VRAM_AUDIT; 0 were already there; stream head seq \d+/);
});
