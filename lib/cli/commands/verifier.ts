// `vram-residency verifier --out FILE.html`: writes the offline verifier page, one self-contained
// HTML file (built by scripts/build-web.mjs into dist/verifier.html) that checks seals and audit
// logs in any browser, opened straight from disk, without a network request.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { FileIoError } from '../../errors.js';
import { type Reporter, formatBytes } from '../reporter.js';
import { runCommand } from '../run.js';

/** dist/verifier.html, next to dist/cli/. */
const PAGE = fileURLToPath(new URL('../../verifier.html', import.meta.url));

function readPage(): Buffer {
  try {
    return readFileSync(PAGE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileIoError(
      `the verifier page is missing from this installation (${PAGE}: ${code ?? 'unreadable'}); in a source checkout run npm run build:web`,
      e,
    );
  }
}

export function registerVerifier(program: Command): void {
  program
    .command('verifier')
    .description(
      'write the offline verifier page: one HTML file that checks seals and audit logs in a browser, with no network',
    )
    .option('--out <file>', 'where to write the page; an existing file is replaced', 'vram-residency-verifier.html')
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter, opts: { out: string }) => {
        const page = readPage();
        const out = resolve(opts.out);
        try {
          writeFileSync(out, page);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new FileIoError(`cannot write ${out} (${code ?? 'write failed'})`, e);
        }
        const sha256 = createHash('sha256').update(page).digest('hex');
        reporter.result({ ok: true, file: out, bytes: page.length, sha256 });
        reporter.line(`wrote ${out} (${formatBytes(page.length)}, sha256 ${sha256})`);
        reporter.line('Open it in any current browser, from disk: it works offline and makes no network request.');
        return 0;
      }),
    );
}
