// `vram-residency digest FILE`: the tree digest (and plain SHA-256) of a file, with any engine.
import type { Command } from 'commander';
import { MAX_DIGEST_THREADS, defaultEngine, digestFileWith, parseEngine } from '../../engines/digest-with-engine.js';
import { statDigestible } from '../../engines/file-stat.js';
import { toHex } from '../../formats/hex.js';
import { DEFAULT_LEAF_SIZE } from '../../wasm/index.js';
import { type Reporter, formatBytes } from '../reporter.js';
import { parseIntArg, parseLeafSize, runCommand } from '../run.js';

export function registerDigest(program: Command): void {
  program
    .command('digest')
    .description('print the mth-sha256 tree digest of a file (and its plain SHA-256 with --sha256)')
    .argument('<file>', 'the file to digest')
    .option('--leaf-size <bytes>', 'leaf size: a power of two from 4096 to 16777216', String(DEFAULT_LEAF_SIZE))
    .option('--engine <engine>', 'wasm, native or node (default: native when the addon loaded, else wasm)')
    .option('--sha256', 'also compute the plain SHA-256')
    .option('--threads <n>', `worker threads for the wasm and native engines (1 to ${MAX_DIGEST_THREADS})`)
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter, file: string, opts: Record<string, string | boolean>) => {
        const leafSize = parseLeafSize(String(opts.leafSize));
        const engine = opts.engine ? parseEngine(String(opts.engine)) : defaultEngine();
        const size = await statDigestible(file);
        const bar = reporter.progress('digest', size);
        const started = performance.now();
        const r = await digestFileWith(engine, file, {
          leafSize,
          sha256: opts.sha256 === true,
          threads: opts.threads ? parseIntArg('--threads', String(opts.threads), 1, MAX_DIGEST_THREADS) : undefined,
          onProgress: (p) => bar.update(p.bytes),
        });
        bar.stop();
        const seconds = (performance.now() - started) / 1000;
        const result = {
          file,
          size: r.size,
          leafSize,
          digestAlg: 'mth-sha256',
          digest: toHex(r.digest),
          sha256: r.sha256 ? toHex(r.sha256) : null,
          engine,
          seconds: Number(seconds.toFixed(3)),
        };
        reporter.result(result);
        reporter.line(`mth-sha256 ${result.digest}  ${file}`);
        if (result.sha256) reporter.line(`sha256     ${result.sha256}  ${file}`);
        reporter.line(`${formatBytes(r.size)}, leaf size ${leafSize}, engine ${engine}, ${seconds.toFixed(2)} s`);
        return 0;
      }),
    );
}
