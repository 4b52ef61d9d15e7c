// docs/errors.md and lib/errors.ts agree: every code has one row and every row a code; every class
// a row names exists and is a VramResidencyError; every `new XError('E_…')` in lib/ uses a class
// its code's row names; nothing in lib/ throws the bare base class.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';
import * as errors from '../../lib/errors.js';

const doc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
const rows = new Map<string, string[]>();
for (const line of doc.split('\n')) {
  const m = /^\|\s*`(E_[A-Z_]+)`\s*\|([^|]*)\|/.exec(line);
  if (m)
    rows.set(
      m[1]!,
      [...m[2]!.matchAll(/`(\w+Error)`/g)].map((c) => c[1]!),
    );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

t.test('the table has exactly the codes of lib/errors.ts', async (t) => {
  const codes = [...errors.ERROR_CODES].sort();
  t.same([...rows.keys()].sort(), codes, 'one row per code, no row without a code');
});

t.test('every class the table names is an exported VramResidencyError', async (t) => {
  for (const [code, classes] of rows) {
    t.ok(classes.length > 0, `${code} names a class`);
    for (const name of classes) {
      const cls = (errors as Record<string, unknown>)[name];
      t.ok(
        typeof cls === 'function' &&
          (cls === errors.VramResidencyError ||
            (cls as { prototype: unknown }).prototype instanceof errors.VramResidencyError),
        `${code}: ${name} is exported from lib/errors.ts`,
      );
    }
  }
});

t.test('lib/ throws each code only with the classes its row names', async (t) => {
  const misuses: string[] = [];
  for (const file of sourceFiles(join(repoRoot, 'lib'))) {
    const text = readFileSync(file, 'utf8');
    if (/new VramResidencyError\(/.test(text)) misuses.push(`${file}: throws the base class`);
    for (const m of text.matchAll(/new (\w+Error)\(\s*'(E_[A-Z_]+)'/g)) {
      if (!(rows.get(m[2]!) ?? []).includes(m[1]!))
        misuses.push(`${file}: new ${m[1]}('${m[2]}') is not in docs/errors.md`);
    }
  }
  t.same(misuses, []);
});

t.test('fixed-code classes carry the code their row lists', async (t) => {
  const samples: [errors.VramResidencyError, string][] = [
    [new errors.ClosedError('x'), 'ClosedError'],
    [new errors.FileIoError('x'), 'FileIoError'],
    [new errors.InvalidArgumentError('a', 'x'), 'InvalidArgumentError'],
    [new errors.AuditIoError('x'), 'AuditIoError'],
    [new errors.AuditLogCorruptError('x'), 'AuditLogCorruptError'],
    [new errors.AuditBufferFullError('x'), 'AuditBufferFullError'],
    [new errors.InsufficientVramError(1, 0), 'InsufficientVramError'],
    [new errors.SealVerificationError('s', 'r', 'x'), 'SealVerificationError'],
    [new errors.PolicyViolationError('p', 'x', 'y'), 'PolicyViolationError'],
    [new errors.MalformedSealError('x'), 'MalformedSealError'],
  ];
  for (const [error, name] of samples)
    t.ok(rows.get(error.code)?.includes(name), `${name} (${error.code}) is in its row`);
});
