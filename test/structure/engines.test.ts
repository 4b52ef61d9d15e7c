// What `npm install vram-residency` installs must run on every Node our `engines` promises: a
// dependency in the lockfile that asks for a newer Node (EBADENGINE at install) fails this test.
// Dev dependencies are for contributors and are left out.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';

const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
  validRange(range: string): string | null;
};

/**
 * Node versions `ours` promises, to check each dependency's range against: its lowest version, and
 * the first release of each even (LTS) major from there to 26, and the Node running the test (each when within ours).
 * (semver.subset cannot tell that >=20 is within "^20 || >= 21": it compares one set at a time.)
 */
function promisedVersions(ours: string): string[] {
  const lowest = semver.minVersion(ours)!.version;
  const candidates = [...[20, 22, 24, 26].map((m) => `${m}.0.0`), process.versions.node];
  return [...new Set([lowest, ...candidates.filter((v) => semver.satisfies(v, ours))])];
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** Every installed (non-dev) package whose engines.node does not cover the whole of ours. */
export function engineMismatches(ours: string, packages: Record<string, LockEntry>): string[] {
  const out: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '' || entry.dev) continue;
    const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!node) continue;
    if (!semver.validRange(node) || !promisedVersions(ours).every((v) => semver.satisfies(v, node)))
      out.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version}: node ${node}`);
  }
  return out;
}

t.test('every dependency in the lockfile supports the Node versions engines promises', async (t) => {
  t.ok(semver.validRange(pkg.engines.node), `engines.node ${pkg.engines.node} is a valid range`);
  t.same(engineMismatches(pkg.engines.node, lock.packages), [], `engines.node is ${pkg.engines.node}`);
});

t.test('the check fails on a mismatch (control)', async (t) => {
  const bad = { 'node_modules/x': { version: '1.0.0', engines: { node: '>= 22.x' } } };
  t.same(engineMismatches('>=20', bad), ['x@1.0.0: node >= 22.x']);
  t.same(engineMismatches('>=22', bad), []);
  t.same(
    engineMismatches('>=20', { 'node_modules/y': { version: '1.0.0', dev: true, engines: { node: '>=99' } } }),
    [],
  );
});
