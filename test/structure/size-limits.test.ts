// The size rules of lib/: no source file over 400 lines and no function over 80 lines, so each
// file reads as one concept and each function fits a screen or two. Functions are found with the
// TypeScript parser (declarations, methods, constructors, accessors, arrows and function
// expressions); a function's lines run from its first line to its last, nested functions included.
// Exceptions are named here with their reason and in their folder's README.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../helpers/vectors.js';

const libDir = join(repoRoot, 'lib');
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

/** Files allowed past the file limit, with why (also in the folder's README). */
const FILE_EXCEPTIONS: Record<string, string> = {};
/** Functions allowed past the function limit ("file:name"), with why (also in the folder's README). */
const FUNCTION_EXCEPTIONS: Record<string, string> = {
  'audit/verify/chain-verifier.ts:verifyRecordLines':
    'the one SPEC §4 walk: its checks read top to bottom in SPEC order, and splitting it would scatter one loop state',
  'audit/verify/epoch-seal-check.ts:epochSealCheck':
    'a closure over one epoch state whose record() method applies the SPEC §6 rules in order; the outer function is that state plus two methods',
  'audit/write/logger.ts:constructor':
    'wires the queue, writer, sealer and write loop around shared private state; to be split (issue 19 follow-up)',
  'attest/seal-model.ts:sealSignedModel':
    'the SPEC §5 model seal flow with its release-on-failure paths in one place; to be split (issue 19 follow-up)',
  'cli/commands/doctor.ts:registerDoctor':
    'one command whose human output lists every fact doctor gathers; to be split (round 3 follow-up)',
  'cli/commands/demo.ts:runDemo':
    'the scripted demo, step by step as the user sees it; to be split (issue 19 follow-up)',
  'engines/wasm-digest.ts:digestFile':
    'two lines over: the worker pool walk (start-up, dispatch, folding in file order) around one state; to be split (issue 19 follow-up)',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Every function of a source text longer than `max` lines, as "name (N lines)". */
export function longFunctions(fileName: string, text: string, max: number): { name: string; lines: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > max) out.push({ name: functionName(node, source), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function functionName(node: ts.Node, source: ts.SourceFile): string {
  const named = (node as { name?: ts.Node }).name;
  if (named) return named.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  return `<anonymous at line ${line}>`;
}

t.test('the function finder measures what it should', async (t) => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `  x += ${i};`).join('\n');
  const text = `function short() {\n${body(3)}\n}\nconst long = () => {\n${body(90)}\n};\nclass C {\n  m() {\n${body(78)}\n  }\n  n() {\n${body(79)}\n  }\n}\n`;
  t.same(longFunctions('x.ts', text, 80), [
    { name: 'long', lines: 92 },
    { name: 'n', lines: 81 },
  ]);
});

t.test(`no lib file over ${MAX_FILE_LINES} lines`, async (t) => {
  const over = sourceFiles(libDir)
    .map((f) => ({ file: relative(libDir, f), lines: lineCount(readFileSync(f, 'utf8')) }))
    .filter((f) => f.lines > MAX_FILE_LINES && !(f.file in FILE_EXCEPTIONS))
    .map((f) => `${f.file}: ${f.lines} lines`);
  t.same(over, [], 'split the file by concept, or name the exception with its reason');
});

t.test(`no function in lib/ over ${MAX_FUNCTION_LINES} lines`, async (t) => {
  const over = sourceFiles(libDir)
    .filter((f) => !(relative(libDir, f) in FILE_EXCEPTIONS))
    .flatMap((f) =>
      longFunctions(f, readFileSync(f, 'utf8'), MAX_FUNCTION_LINES).map((fn) => ({
        key: `${relative(libDir, f)}:${fn.name}`,
        lines: fn.lines,
      })),
    )
    .filter((fn) => !(fn.key in FUNCTION_EXCEPTIONS))
    .map((fn) => `${fn.key} (${fn.lines} lines)`);
  t.same(over, [], 'split the function, or name the exception with its reason');
});

t.test('every named exception still exists and still needs its exception', async (t) => {
  for (const file of Object.keys(FILE_EXCEPTIONS)) {
    t.ok(lineCount(readFileSync(join(libDir, file), 'utf8')) > MAX_FILE_LINES, `${file} is still long`);
  }
  for (const key of Object.keys(FUNCTION_EXCEPTIONS)) {
    const [file, name] = key.split(':') as [string, string];
    const found = longFunctions(file, readFileSync(join(libDir, file), 'utf8'), MAX_FUNCTION_LINES);
    t.ok(
      found.some((f) => f.name === name),
      `${key} is still long`,
    );
  }
});
