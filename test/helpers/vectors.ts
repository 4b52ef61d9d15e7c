// Vectors come from two places: ../shared/vectors (the team's independent implementation, normative)
// and test/vectors (our copy, so the project stands alone). Tests run against every source found;
// the shared one is skipped with a clear message only when the folder is absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const sharedVectorsDir = resolve(repoRoot, '..', 'shared', 'vectors');
export const localVectorsDir = resolve(repoRoot, 'test', 'vectors');

export interface VectorSource {
  label: string;
  dir: string;
  /** Set when the source is absent: pass as tap's `skip` option. */
  skip: string | false;
}

export function vectorSources(): VectorSource[] {
  const sharedPresent = existsSync(sharedVectorsDir);
  return [
    {
      label: 'shared/vectors',
      dir: sharedVectorsDir,
      skip: sharedPresent
        ? false
        : `../shared/vectors is absent (${sharedVectorsDir}); only the copy under test/vectors is checked`,
    },
    { label: 'test/vectors', dir: localVectorsDir, skip: false },
  ];
}

export function readVectorJson<T = any>(source: VectorSource, name: string): T {
  return JSON.parse(readFileSync(join(source.dir, name), 'utf8')) as T;
}

/** SPEC vector data: byte i is i mod 251. */
export function patternBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = i % 251;
  return out;
}

/** What a failed check carries besides its reason (a model file's path, a code, a message of its own). */
export interface FailureDetails {
  code?: string;
  path?: string;
  message?: RegExp;
}

/**
 * What `t.rejects` expects of a failed SPEC §3/§5 check (a SealCheckError): the reason, and a
 * message that starts with it, unless `details` gives a message pattern of its own.
 */
export function sealFailure(
  reason: string,
  details: FailureDetails = {},
): FailureDetails & { reason: string; message: RegExp } {
  return { reason, message: new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `), ...details };
}
