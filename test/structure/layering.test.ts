// Which rooms of lib/ may import which: the floors of the house, stated once. A file may import its
// own room and the rooms listed for it, nothing else, so no import runs up a floor (formats, wasm
// and seal never reach audit, manager, fleet or cli). Inside audit/, format/ is the browser-safe
// floor, write/ builds on it, and verify/ may use write/'s Node file helpers (segment listing,
// node:crypto) but write/ never imports verify/. No CLI command file imports another command file:
// what two commands share lives beside them in lib/cli/.
import t from 'tap';
import { join, relative, sep } from 'node:path';
import { importGraph, sourceFiles } from '../helpers/import-graph.js';
import { repoRoot } from '../helpers/vectors.js';

const libDir = join(repoRoot, 'lib');

const AUDIT = ['audit', 'audit/format', 'audit/write', 'audit/verify', 'audit/tlog'];
const BELOW_AUDIT = ['attest', 'seal', 'engines', 'native', 'wasm', 'formats', 'errors'];

/** room → the rooms it may import (besides itself). */
export const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  // Sizes in MiB/GiB for messages (no imports of its own).
  'human-bytes': [],
  // The one error family in three files: the base, the service errors, and errors.ts re-exporting both.
  'error-codes': [],
  'errors-services': ['error-codes'],
  errors: ['human-bytes', 'error-codes', 'errors-services'],
  formats: ['errors'],
  wasm: ['formats', 'errors'],
  native: ['formats', 'errors'],
  engines: ['native', 'wasm', 'formats', 'errors'],
  seal: ['engines', 'wasm', 'formats', 'errors'],
  attest: ['seal', 'engines', 'native', 'wasm', 'formats', 'errors'],
  'audit/format': ['wasm', 'formats', 'errors'],
  // SPEC §8's tree, proofs and v2 notes sit on verify's floor: each uses the other's checks.
  'audit/tlog': ['audit/verify', 'audit/format', 'wasm', 'formats', 'errors'],
  'audit/write': ['audit/tlog', 'audit/format', 'attest', 'native', 'wasm', 'formats', 'errors'],
  'audit/verify': ['audit/tlog', 'audit/write', 'audit/format', 'formats', 'errors'],
  audit: ['audit/format', 'audit/write', 'audit/verify', 'audit/tlog'],
  // The witness server: the SPEC §8 checks and the writer's node:crypto helpers.
  witness: ['audit/tlog', 'audit/write', 'audit/format', 'wasm', 'formats', 'errors'],
  manager: [...AUDIT, ...BELOW_AUDIT],
  fleet: [...AUDIT, 'wasm', 'formats', 'errors'],
  browser: ['audit/format', 'audit/verify', 'audit/tlog', 'attest', 'seal', 'wasm', 'formats', 'errors'],
  index: [...AUDIT, 'manager', 'witness', ...BELOW_AUDIT],
  cli: [...AUDIT, 'manager', 'fleet', 'witness', 'human-bytes', ...BELOW_AUDIT],
  'cli/commands': ['cli', ...AUDIT, 'manager', 'fleet', 'witness', ...BELOW_AUDIT],
  // The program: it registers every command.
  'cli/main': ['cli/commands', 'cli', 'errors'],
};

/** The room of a file given relative to lib/ ("audit/write/logger.ts" → "audit/write"). */
export function roomOf(file: string): string {
  const parts = file.split(sep).join('/').split('/');
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, '');
  if ((parts[0] === 'audit' || parts[0] === 'cli') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  if (parts[0] === 'cli' && parts[1] === 'main.ts') return 'cli/main';
  return parts[0]!;
}

/** Every import that breaks the rules, as "from -> to (why)". Paths are relative to lib/. */
export function layeringViolations(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const from = roomOf(file);
    for (const dep of deps) {
      const to = roomOf(dep);
      if (from === 'cli/commands' && to === 'cli/commands') {
        out.push(`${file} -> ${dep} (a command imports another command)`);
      } else if (to !== from && !(MAY_IMPORT[from] ?? []).includes(to)) {
        out.push(`${file} -> ${dep} (${from} may not import ${to})`);
      }
    }
  }
  return out.sort();
}

function libGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, deps] of importGraph(sourceFiles(libDir))) {
    graph.set(
      relative(libDir, file),
      deps.map((d) => relative(libDir, d)),
    );
  }
  return graph;
}

t.test('every room of lib/ is named in the rules', async (t) => {
  const rooms = new Set([...libGraph().keys()].map(roomOf));
  t.same(
    [...rooms].filter((r) => !(r in MAY_IMPORT)),
    [],
    'a new room states what it may import here',
  );
});

t.test('the rules catch an upward import and a command importing a command', async (t) => {
  const planted = new Map([
    ['formats/hex.ts', ['audit/format/events.ts', 'errors.ts']],
    ['seal/check.ts', ['manager/vram-manager.ts']],
    ['audit/write/logger.ts', ['audit/verify/directory.ts']],
    ['cli/commands/seal.ts', ['cli/commands/verify.ts', 'cli/small-file.ts']],
  ]);
  t.same(layeringViolations(planted), [
    'audit/write/logger.ts -> audit/verify/directory.ts (audit/write may not import audit/verify)',
    'cli/commands/seal.ts -> cli/commands/verify.ts (a command imports another command)',
    'formats/hex.ts -> audit/format/events.ts (formats may not import audit/format)',
    'seal/check.ts -> manager/vram-manager.ts (seal may not import manager)',
  ]);
});

t.test('no import in lib/ runs up a floor', async (t) => {
  t.same(layeringViolations(libGraph()), [], 'each violation: file -> import (rule)');
});
