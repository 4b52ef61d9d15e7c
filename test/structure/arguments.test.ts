// Issue 21 item 10: every function of the three entry points (`vram-residency`,
// `vram-residency/wasm`, `vram-residency/fleet`) — plain exports and the static methods of exported
// classes, found by walking the modules, so a new export is walked too — given wrong-typed
// arguments either returns or throws/rejects a VramResidencyError with a stable code: never Node's
// ERR_INVALID_ARG_TYPE, a bare TypeError, or a raw ENOENT. Plus the cases the probe named.
import t from 'tap';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as main from '../../lib/index.js';
import * as wasm from '../../lib/browser/index.js';
import * as fleet from '../../lib/fleet/index.js';
import { VramResidencyError } from '../../lib/errors.js';

const WRONG: unknown[] = [undefined, null, 42, 'x', {}, [], true];
const work = mkdtempSync(join(tmpdir(), 'vrr-args-'));
type AnyFunction = (...args: unknown[]) => unknown;
const isClass = (f: AnyFunction) => /^class\s/.test(Function.prototype.toString.call(f));

type Target = [name: string, fn: (...args: unknown[]) => unknown, arity: number];
function targets(): Target[] {
  const out: Target[] = [];
  for (const [entry, mod] of [
    ['vram-residency', main],
    ['vram-residency/wasm', wasm],
    ['vram-residency/fleet', fleet],
  ] as const) {
    for (const [name, v] of Object.entries(mod)) {
      if (typeof v !== 'function' || v.prototype instanceof Error) continue;
      if (!isClass(v as AnyFunction)) {
        out.push([`${entry} ${name}`, v as Target[1], v.length]);
        continue;
      }
      for (const s of Object.getOwnPropertyNames(v)) {
        const m = (v as unknown as Record<string, unknown>)[s];
        if (typeof m === 'function' && !['length', 'name', 'prototype'].includes(s))
          out.push([`${entry} ${name}.${s}`, (m as AnyFunction).bind(v) as Target[1], (m as AnyFunction).length]);
      }
    }
  }
  return out;
}

/** Argument lists: each wrong value alone, each later argument wrong after a string, all 42. */
function wrongCalls(arity: number): unknown[][] {
  const n = Math.max(arity, 2);
  const calls: unknown[][] = WRONG.map((w) => [w]);
  for (let i = 1; i < n; i++)
    for (const w of [null, 42, 'x']) {
      const args: unknown[] = Array(n).fill('x');
      args[i] = w;
      calls.push(args);
    }
  calls.push(Array(Math.max(arity, 1)).fill(42));
  return calls;
}

const show = (args: unknown[]) =>
  `(${args.map((a) => (a === undefined ? 'undefined' : JSON.stringify(a))).join(', ')})`;

t.test('every export, called with wrong-typed arguments, fails with a coded error or not at all', async (t) => {
  const cwd = process.cwd();
  process.chdir(work); // writeKeyPair('x', …) and the like write here
  t.teardown(() => process.chdir(cwd));
  const all = targets();
  t.ok(all.length > 80, `${all.length} functions walked`);
  for (const [name, fn, arity] of all) {
    for (const args of wrongCalls(arity)) {
      let error: unknown = null;
      try {
        const r = fn(...args);
        if (r && typeof (r as Promise<unknown>).then === 'function') await r;
      } catch (e) {
        error = e;
      }
      if (error === null) continue;
      const coded =
        error instanceof VramResidencyError && typeof error.code === 'string' && error.code.startsWith('E_');
      if (!coded) {
        const e = error as { name?: string; code?: string; message?: string };
        t.fail(`${name}${show(args)} threw ${e?.name} ${e?.code ?? ''}: ${String(e?.message).slice(0, 120)}`);
      }
    }
  }
  t.pass('walked');
});

t.test('the calls the probe named: E_ARG (or E_KEY), each naming its argument', async (t) => {
  await t.rejects(main.parsePublicKeyPem({} as never), { code: 'E_ARG', message: /publicKey/ });
  await t.rejects(main.listModelFiles(123 as never), { code: 'E_ARG', message: /modelPath/ });
  await t.rejects(main.verifyAuditLog(42 as never), { code: 'E_ARG', message: /dir/ });
  await t.rejects(main.verifyAuditLog(join(work, 'nope')), { code: 'E_ARG', message: /dir.*ENOENT/ });
  t.throws(() => main.generateKeyPair('x' as never), { code: 'E_ARG', message: /algorithm/ });
  await t.rejects(main.writeKeyPair(join(work, 'k'), 'rsa' as never), { code: 'E_ARG', message: /algorithm/ });
  await t.rejects(main.loadSigningKey(null as never), { code: 'E_ARG', message: /privateKey/ });
  await t.rejects(main.loadSigningKey(42 as never), { code: 'E_ARG', message: /got number/ });
  await t.rejects(main.hashModelFiles(null as never), { code: 'E_ARG', message: /files/ });
  t.throws(() => main.parseCheckpointNote(null as never), { code: 'E_ARG', message: /note/ });
  t.throws(() => main.parseNotePublicKey(42 as never, () => new Uint8Array(32)), { code: 'E_ARG' });
  await t.rejects(main.verifySealedRecordLines(null as never, {}, main.nodeSealingCrypto), { code: 'E_ARG' });
  // A model directory that cannot be listed: a coded error, not a raw ENOENT/EACCES.
  const model = join(work, 'model');
  mkdirSync(join(model, 'sub'), { recursive: true });
  writeFileSync(join(model, 'a.bin'), 'x');
  await t.resolves(main.listModelFiles(model));
  if (process.getuid?.() !== 0) {
    const { chmodSync } = await import('node:fs');
    chmodSync(join(model, 'sub'), 0);
    await t.rejects(main.listModelFiles(model), { code: 'E_IO', message: /cannot list sub/ });
    chmodSync(join(model, 'sub'), 0o755);
  }
});
