#!/usr/bin/env node
// The last step of CI: reads every test file's TAP output that tap saved under .tap/test-results
// and fails when the run skipped (or marked todo) a test that .ci/skip-allowlist.json does not list
// with a reason, or when a test file left no result (it did not run). A new skip therefore fails CI
// until someone lists it and says why. Usage:
//   node .ci/check-skips.mjs [--results DIR] [--tests DIR] [--allow FILE]
// Exit 0: all skips listed; 1: an unlisted skip or a missing result (each named on stderr);
// 2: the allow-list or the arguments are unusable.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = {
    results: join(repoRoot, '.tap', 'test-results'),
    tests: join(repoRoot, 'test'),
    allow: join(repoRoot, '.ci', 'skip-allowlist.json'),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    if (!(key in opts) || argv[i + 1] === undefined) usage(`unknown or incomplete argument ${argv[i]}`);
    opts[key] = resolve(argv[i + 1]);
  }
  return opts;
}

function usage(why) {
  console.error(`check-skips: ${why}`);
  process.exit(2);
}

/** Every file under `dir` (relative paths with forward slashes) whose name ends with `suffix`. */
function walk(dir, suffix, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p, suffix, base));
    else if (entry.name.endsWith(suffix)) out.push(relative(base, p).split('\\').join('/'));
  }
  return out;
}

/** The skipped and todo tests in one file's TAP text, each with its subtest path and reason. */
export function skipsInTap(text) {
  const found = [];
  const open = []; // [indent, name] of the subtests whose results are still to come
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const subtest = /^\s*# Subtest: (.*)$/.exec(line);
    if (subtest) {
      while (open.length > 0 && open.at(-1)[0] >= indent) open.pop();
      open.push([indent, subtest[1]]);
      continue;
    }
    const plan = /^\s*1\.\.0 # (?:skip|SKIP)\s*(.*)$/i.exec(line);
    if (plan) {
      found.push({ path: open.filter(([i]) => i < indent).map(([, n]) => n), kind: 'SKIP', reason: plan[1] });
      continue;
    }
    const result = /^\s*(?:not )?ok \d+(?: - (.*?))? # (SKIP|TODO)\b\s*(.*)$/i.exec(line);
    if (!result) continue;
    while (open.length > 0 && open.at(-1)[0] > indent) open.pop(); // the parents still open
    const name = (result[1] ?? '').replace(/\\#/g, '#');
    const parents = open.filter(([i]) => i < indent).map(([, n]) => n);
    found.push({
      path: [...parents, name],
      kind: result[2].toUpperCase(),
      reason: result[3].replace(/\\#/g, '#').trim(),
    });
  }
  return found;
}

function loadAllowList(file) {
  let list;
  try {
    list = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    usage(`cannot read the allow-list ${file}: ${err.message}`);
  }
  if (!Array.isArray(list)) usage(`${file}: expected an array of entries`);
  return list.map((e, i) => {
    for (const k of ['file', 'test', 'reason', 'why'])
      if (typeof e[k] !== 'string' || e[k] === '') usage(`${file}: entry ${i} needs a non-empty "${k}"`);
    try {
      return { ...e, reasonPattern: new RegExp(e.reason) };
    } catch (err) {
      usage(`${file}: entry ${i}: reason is not a regular expression: ${err.message}`);
    }
  });
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const allow = loadAllowList(opts.allow);
  if (!existsSync(opts.results) || !statSync(opts.results).isDirectory())
    usage(`no test results at ${opts.results}: run npm test first`);
  const problems = [];
  // Results are named by their path from the project root, the folder that holds test/.
  const testsName = relative(dirname(opts.tests), opts.tests);
  const testFiles = walk(opts.tests, '.test.ts').map((f) => `${testsName}/${f}`);
  const resultFiles = new Set(walk(opts.results, '.tap').map((f) => f.replace(/\.tap$/, '')));
  for (const f of testFiles) if (!resultFiles.has(f)) problems.push(`no result for ${f}: it did not run`);
  let skips = 0;
  const used = new Set();
  for (const f of [...resultFiles].sort()) {
    for (const s of skipsInTap(readFileSync(join(opts.results, `${f}.tap`), 'utf8'))) {
      skips++;
      const name = s.path.at(-1) ?? '';
      const hit = allow.findIndex(
        (e) => e.file === f && e.test === name && s.kind === 'SKIP' && e.reasonPattern.test(s.reason),
      );
      if (hit >= 0) used.add(hit);
      else problems.push(`unlisted ${s.kind}: ${f} > ${s.path.join(' > ')}: ${s.reason || '(no reason given)'}`);
    }
  }
  for (const p of problems) console.error(`check-skips: ${p}`);
  if (problems.length > 0) {
    console.error(
      `check-skips: FAILED - ${problems.length} problem(s); a skip CI accepts must be listed in ${relative(repoRoot, opts.allow)} with why`,
    );
    process.exit(1);
  }
  console.log(
    `check-skips: ${testFiles.length} test files ran; ${skips} skip(s), all on the allow-list (${used.size} of ${allow.length} entries used)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
