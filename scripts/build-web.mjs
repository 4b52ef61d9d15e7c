#!/usr/bin/env node
// Builds the offline verifier page: web/*.ts (and the browser-safe lib/ sources they import through
// lib/browser/internal.ts, the embedded WASM module included) --esbuild--> two IIFE bundles; the digest worker's bundle
// becomes a string inside the page's bundle (started from a Blob URL, so the page runs from
// file://); both are inlined with the styles into one file, dist/verifier.html.
// Type-checks web/ first (esbuild only strips types).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const outPath = join(root, 'dist', 'verifier.html');

// A backstop: the page's sources import nothing Node-only (tsconfig.browser.json compiles
// lib/browser/internal.ts without Node types, and test/web/bundle-imports.test.ts checks the
// bundle's imports). Should one slip in, Node built-ins resolve to side-effect-free stubs, and the
// check after bundling fails the build if any stub survived.
const STUB_MARK = 'is-not-available-in-the-browser';
const nodeStubs = {
  name: 'node-builtins-unavailable',
  setup(b) {
    b.onResolve({ filter: /^node:|^(fs|path|crypto|os)$/ }, (args) => ({
      path: args.path.replace(/^node:/, ''),
      namespace: 'node-stub',
      sideEffects: false,
    }));
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, async (args) => {
      if (!builtinModules.includes(args.path)) throw new Error(`unknown Node built-in ${args.path}`);
      const names = Object.keys(await import(`node:${args.path}`)).filter(
        (n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n),
      );
      const body = names.map(
        (n) => `export const ${n} = () => { throw new Error('node:${args.path}.${n} ${STUB_MARK}'); };`,
      );
      return { contents: body.join('\n') + '\nexport default {};\n', loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  minify: true,
  legalComments: 'none',
  plugins: [nodeStubs],
  logLevel: 'warning',
};

execFileSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(web, 'tsconfig.json')],
  { stdio: 'inherit' },
);

const worker = await build({ ...common, entryPoints: [join(web, 'digest-worker.ts')] });
const page = await build({
  ...common,
  entryPoints: [join(web, 'main.ts')],
  define: { __DIGEST_WORKER_SOURCE__: JSON.stringify(worker.outputFiles[0].text) },
});

// `</script` inside the inlined code would end the element early; esbuild escapes it in strings,
// and this check keeps it that way.
const script = page.outputFiles[0].text;
if (/<\/script/i.test(script)) throw new Error('the bundled script contains </script');
for (const code of [script, worker.outputFiles[0].text]) {
  const leak = new RegExp(`node:[\\w.]+ ${STUB_MARK}`).exec(code);
  if (leak)
    throw new Error(
      `the page bundle reaches Node-only code (${leak[0].split(' ')[0]}): import it from a browser-safe module instead`,
    );
}
const template = readFileSync(join(web, 'index.html'), 'utf8');
const style = readFileSync(join(web, 'style.css'), 'utf8');
const html = template
  .replace('<!--STYLE-->', () => `<style>\n${style}</style>`)
  .replace('<!--SCRIPT-->', () => `<script>${script}</script>`);
if (html === template || html.includes('<!--STYLE-->') || html.includes('<!--SCRIPT-->'))
  throw new Error('web/index.html lacks its placeholders');
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, html);
console.log(`wrote ${outPath} (${(html.length / 1024).toFixed(0)} KiB)`);
