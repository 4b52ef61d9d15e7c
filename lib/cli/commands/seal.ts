// `vram-residency seal FILE…`: load shard files into device memory, seal them, write their seal
// records; with --hold, stay resident and re-verify on a schedule (a worker in miniature).
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadSigningKey } from '../../attest/node-keys.js';
import { readSmallText } from '../small-file.js';
import { warnIfExposed } from '../key-warning.js';
import { InvalidArgumentError } from '../../errors.js';
import { MAX_REVERIFY_INTERVAL_SECONDS, reverifyResident } from '../../manager/reverify.js';
import type { SealedShard } from '../../manager/sealed-shard.js';
import type { VramManager } from '../../manager/vram-manager.js';
import type { Reporter } from '../reporter.js';
import { formatBytes } from '../reporter.js';
import { plural, simulatedCapacity } from '../units.js';
import { recordPaths, writeRecordFile } from '../record-paths.js';
import { prepareWritableDir } from '../writable-dir.js';
import { parseIntArg, parseLeafSize, runCommand } from '../run.js';
import { readToken } from '../token.js';
import { defaultWorkerId, openWorker } from '../worker-setup.js';
import { checkOutForSeveral, checkSealInputs } from '../hints.js';
import { prepareModelSeal, sealSignedModelFiles } from '../model-seal-files.js';
import type { SealFlags } from '../seal-flags.js';

export function registerSeal(program: Command): void {
  program
    .command('seal')
    .description('seal shard files (or a signed model directory) into device memory and write their seal records')
    .argument('<files...>', 'shard files, in shard order; or one model directory with --model-sig')
    .option('--device <n>', 'device index', '0')
    .option('--simulate', 'use the host-simulated device (not VRAM: tests and demos only)')
    .option('--simulated-capacity <size>', 'with --simulate: the simulated device memory (e.g. 8GiB)', '1GiB')
    .option('--token-env <var>', 'environment variable holding the worker token', 'VRAM_RESIDENCY_TOKEN')
    .option('--token-file <file>', 'file holding the worker token')
    .option('--worker-id <id>', 'worker id recorded in seals and audit records (default: the host name)')
    .option('--model-ref <ref>', 'model reference recorded in each seal')
    .option('--expect-sha256 <hex>', 'published SHA-256 of the (single) file; the seal aborts on a mismatch')
    .option('--leaf-size <bytes>', 'leaf size: a power of two from 4096 to 16777216', '65536')
    .option('--audit-dir <dir>', 'audit log directory', 'vram-residency-audit')
    .option('--out <path>', 'seal record file (one input) or directory (default: FILE.seal.json beside each file)')
    .option(
      '--sign-key <file>',
      'also sign each seal (Sigstore bundle) with this private key (PKCS#8 PEM), checkable without the token',
    )
    .option(
      '--bundle-out <path>',
      'with --sign-key: bundle file (one input) or directory (default: FILE.bundle.json beside each file)',
    )
    .option(
      '--model-sig <file>',
      'seal a model the publisher signed (OpenSSF model signature): every listed file, each checked against it',
    )
    .option('--model-pubkey <file>', "with --model-sig: the publisher's ECDSA public key (SPKI PEM)")
    .option('--hold', 'stay resident and re-verify on a schedule until interrupted')
    .option('--interval <seconds>', 'with --hold: seconds between verifications', '30')
    .option('--samples <n>', 'with --hold: leaves per sampled verification (every 10th run is full)', '16')
    .option('--json', 'print one JSON document')
    .action(runCommand(runSeal));
}

/** `seal FILES…` (or a signed model directory): seal, write the records, and with --hold stay resident. */
async function runSeal(reporter: Reporter, files: string[], opts: SealFlags): Promise<number> {
  checkSealInputs(files, Boolean(opts.modelSig));
  if (!opts.modelSig) {
    checkOutForSeveral(files, opts.out);
    checkOutForSeveral(files, opts.bundleOut, '--bundle-out');
  }
  const token = readToken({ tokenEnv: opts.tokenEnv, tokenFile: opts.tokenFile });
  const leafSize = parseLeafSize(opts.leafSize);
  const device = parseIntArg('--device', opts.device, 0, 1023);
  if (opts.expectSha256 && files.length !== 1)
    throw new InvalidArgumentError('--expect-sha256', 'applies to a single file only');
  const schedule = opts.hold ? parseSchedule(opts.interval, opts.samples) : null;
  const signedModel = opts.modelSig || opts.modelPubkey ? await prepareModelSeal(files, opts) : null;
  const outFor = signedModel ? [] : recordPaths(files, opts.out, opts.auditDir);
  prepareWritableDir(opts.auditDir, '--audit-dir', { create: true });
  if (opts.bundleOut && !opts.signKey) throw new InvalidArgumentError('--bundle-out', 'needs --sign-key');
  const signer = opts.signKey ? await loadSigningKey(readSmallText(opts.signKey, '--sign-key', 'key')) : undefined;
  if (signer && opts.signKey) warnIfExposed(reporter, opts.signKey, '--sign-key');
  const bundleFor = signer && !signedModel ? recordPaths(files, opts.bundleOut, opts.auditDir, '.bundle.json') : [];
  const { audit, manager } = await openWorker(reporter, {
    token,
    workerId: opts.workerId ?? defaultWorkerId(opts.auditDir),
    auditDir: opts.auditDir,
    device,
    simulate: Boolean(opts.simulate),
    simulatedCapacityBytes: simulatedCapacity(opts.simulatedCapacity),
    leafSize,
    signer,
  });
  const sealed: SealedShard[] = [];
  try {
    if (signedModel) {
      const { shards, listed } = await sealSignedModelFiles(reporter, manager, signedModel);
      const rounds = schedule ? await hold(reporter, manager, shards, schedule) : undefined;
      reporter.result({
        ok: true,
        model: signedModel.model,
        shards: listed,
        ...(rounds === undefined ? {} : { rounds }),
      });
      return 0;
    }
    for (const [i, file] of files.entries()) {
      const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      const bar = reporter.progress(`seal ${basename(file)}`, Math.max(size, 1));
      const shard = await manager.sealFile(file, {
        modelRef: opts.modelRef,
        shardIndex: files.length > 1 ? i : undefined,
        shardCount: files.length > 1 ? files.length : undefined,
        expectedSha256: opts.expectSha256,
        computeContentSha256: true,
        onProgress: (p) => bar.update(p.bytes),
      });
      bar.stop();
      writeRecordFile(outFor[i]!, shard.recordJson());
      if (signer) writeRecordFile(bundleFor[i]!, shard.bundleJson());
      sealed.push(shard);
      reporter.line(
        `sealed ${file} → ${outFor[i]}${signer ? ` + ${bundleFor[i]}` : ''} (${shard.id}, ${formatBytes(shard.size)}, mth-sha256 ${shard.digest})`,
      );
    }
    const shards = sealed.map((s, i) => ({
      file: files[i],
      record: outFor[i],
      ...(signer ? { bundle: bundleFor[i] } : {}),
      ...s.toRecord(),
    }));
    // One JSON document per run: with --hold it comes at the end, with the rounds verified.
    const rounds = schedule ? await hold(reporter, manager, sealed, schedule) : undefined;
    reporter.result({ ok: true, shards, ...(rounds === undefined ? {} : { rounds }) });
    return 0;
  } finally {
    await manager.close();
    await audit.close();
  }
}

function parseSchedule(interval: string, samples: string): { intervalSeconds: number; samples: number } {
  const intervalSeconds = /^\d+(\.\d+)?$/.test(interval) ? Number(interval) : Number.NaN;
  if (!(intervalSeconds > 0) || intervalSeconds > MAX_REVERIFY_INTERVAL_SECONDS)
    throw new InvalidArgumentError(
      '--interval',
      `must be a positive number of seconds up to ${MAX_REVERIFY_INTERVAL_SECONDS} (a timer cannot wait longer than 24.8 days), got "${interval.slice(0, 40)}"`,
    );
  return { intervalSeconds, samples: parseIntArg('--samples', samples, 1, 1_000_000) };
}

/** Re-verify until SIGINT/SIGTERM (lib/manager/reverify.ts's policy). Any failure ends it with status 1. */
async function hold(
  reporter: Reporter,
  manager: VramManager,
  shards: SealedShard[],
  { intervalSeconds, samples }: { intervalSeconds: number; samples: number },
): Promise<number> {
  reporter.line(
    `holding ${plural(shards.length, 'shard')} resident; re-verifying every ${intervalSeconds} s (Ctrl-C to release and exit)`,
  );
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await reverifyResident(manager, shards, {
      intervalSeconds,
      samples,
      fullEvery: 10,
      signal: stop.signal,
      onRound: ({ round, mode }) =>
        reporter.line(
          `${new Date().toISOString()} round ${round}: ${plural(shards.length, 'shard')} verified (${mode})`,
        ),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
