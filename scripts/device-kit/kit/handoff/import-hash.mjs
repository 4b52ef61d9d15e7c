// The second process of the hand-off: opens an exported lease with `openIpcLease(handle)` (issue
// 23), read-only, hashes the mapped bytes on the device and compares with the seal's digest the
// handle carries. Prints one line: {"status","detail","digest"}.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package');
const sdk = await import(join(pkg, 'dist', 'index.js'));
const openIpcLease = sdk.openIpcLease ?? (await import(join(pkg, 'dist', 'native', 'index.js'))).openIpcLease;
const handle = readFileSync(process.argv[2], 'utf8');
let result;
try {
  const t0 = performance.now();
  const lease = await openIpcLease(handle);
  const opened = performance.now();
  try {
    const digest = await lease.hash();
    const matches = await lease.matches();
    const ms = performance.now() - opened;
    result = {
      status: matches ? 'passed' : 'failed',
      detail: `${matches ? 'matches' : 'DIFFERS FROM'} the seal: opened in ${(opened - t0).toFixed(1)} ms, hashed ${lease.length} bytes in ${ms.toFixed(1)} ms (pid ${process.pid})`,
      digest,
    };
  } finally {
    await lease.close();
  }
} catch (error) {
  result = {
    status: 'failed',
    detail: `${error.code ?? 'error'}: ${String(error.message).split('\n')[0]}`,
    digest: null,
  };
}
console.log(JSON.stringify(result));
