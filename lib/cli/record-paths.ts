// Where `seal` writes its records, decided and checked before anything is sealed: a record never
// replaces one of the inputs, never lands in the audit directory, and no two records share a path;
// the directories they go to exist (or, for an --out directory, are made) and can take them.
import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { FileIoError, InvalidArgumentError } from '../errors.js';
import { ioReason, prepareWritableDir } from './writable-dir.js';

/** The path with every existing part resolved through symlinks, so two spellings compare equal. */
function canonical(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(canonical(parent), basename(absolute));
  }
}

/** Same file: same canonical path, or (hard links) the same device and inode. */
function sameFile(a: string, b: string): boolean {
  if (canonical(a) === canonical(b)) return true;
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

function isInside(path: string, dir: string): boolean {
  const d = canonical(dir);
  const p = canonical(path);
  return p === d || p.startsWith(d.endsWith(sep) ? d : d + sep);
}

/**
 * One record path per input: FILE.seal.json beside it, `out` itself for a single input (unless it
 * is a directory), or `out/BASENAME.seal.json`. Throws E_ARG (naming --out) before any sealing.
 * `suffix` '.bundle.json' places seal attestations the same way (`--bundle-out`).
 */
export function recordPaths(
  files: string[],
  out: string | undefined,
  auditDir: string,
  suffix = '.seal.json',
): string[] {
  const isDir =
    out !== undefined && (files.length > 1 || statSync(out, { throwIfNoEntry: false })?.isDirectory() === true);
  const paths =
    out === undefined
      ? files.map((f) => `${f}${suffix}`)
      : isDir
        ? files.map((f) => join(out, `${basename(f)}${suffix}`))
        : [out];
  const flag = out === undefined ? 'files' : '--out';
  paths.forEach((path, i) => {
    const input = files.find((f) => sameFile(path, f));
    if (input !== undefined)
      throw new InvalidArgumentError(
        flag,
        `the seal record ${path} would overwrite the input ${input}; choose another --out`,
      );
    if (isInside(path, auditDir))
      throw new InvalidArgumentError(
        flag,
        `the seal record ${path} would be written inside the audit directory ${auditDir}; choose another --out`,
      );
    const twin = paths.findIndex((other, j) => j < i && sameFile(other, path));
    if (twin >= 0) {
      throw new InvalidArgumentError(
        flag,
        `${files[twin]} and ${files[i]} would both write their seal record to ${path}; seal them separately or give each its own --out`,
      );
    }
  });
  for (const dir of new Set(paths.map((p) => dirname(p)))) prepareWritableDir(dir, '--out', { create: isDir });
  return paths;
}

/**
 * `seal MODEL --model-sig … --out OUT`: every record and bundle OUT/<file>.seal.json and
 * .bundle.json the model's files could produce must not replace a file of the model, nor one of
 * `keep` (the signature, the keys), and OUT must lie outside the audit directory. Checked, like
 * recordPaths, before anything is sealed; `names` are the model's files ('.' for a single file).
 */
export function checkModelRecordPaths(
  model: string,
  names: readonly string[],
  out: string,
  auditDir: string,
  keep: readonly string[],
): void {
  if (isInside(out, auditDir))
    throw new InvalidArgumentError(
      '--out',
      `${out} lies inside the audit directory ${auditDir}; the seal records go elsewhere (choose another --out)`,
    );
  const inputs = [...names.map((n) => (n === '.' ? model : join(model, n))), ...keep];
  for (const name of names) {
    const base = join(out, name === '.' ? basename(model) : name);
    for (const path of [`${base}.seal.json`, `${base}.bundle.json`]) {
      const input = inputs.find((f) => sameFile(path, f));
      if (input !== undefined)
        throw new InvalidArgumentError(
          '--out',
          `the seal record ${path} would overwrite ${input}, a file of the model or one of its keys; choose another --out`,
        );
    }
  }
}

/** Writes a record whole or not at all (temp file, then rename), so a full disk leaves no torn record. */
export function writeRecordFile(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text, { mode: 0o644, flag: 'w' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new FileIoError(
      `the shard was sealed but its record could not be written to ${path} (${ioReason(error)})`,
      error,
    );
  }
}
