// `vram-residency demo`: the whole story on this machine in one command — seal, verify in full and
// by samples, catch an injected bit flip, release, check the audit log, verify the file offline.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { verifyAuditLog } from '../../audit/index.js';
import { InvalidArgumentError, SealVerificationError } from '../../errors.js';
import { verifySealedFile } from '../../seal/offline.js';
import { parseSealRecord } from '../../seal/record.js';
import { type Reporter, formatBytes } from '../reporter.js';
import { parseSizeArg, runCommand } from '../run.js';
import { cudaAvailable, openWorker } from '../worker-setup.js';
import { CheckFailed } from '../exit.js';
import { checkFreeSpace } from '../free-space.js';
import { humanBytes, plural } from '../units.js';
import { simulatedCapacity } from '../units.js';

interface Step {
  step: string;
  ok: boolean;
  seconds: number;
  result: string;
}

/** A model-like file: a safetensors-style JSON header, then pseudo-random "weights". */
function writeModelFile(path: string, size: number): void {
  const header = Buffer.from(
    JSON.stringify({ __metadata__: { format: 'pt', note: 'vram-residency demo weights' } }).padEnd(120, ' '),
  );
  const fd = openSync(path, 'w', 0o600);
  try {
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(header.length));
    writeSync(fd, prefix);
    writeSync(fd, header);
    let left = size - 8 - header.length;
    const block = randomBytes(4 << 20);
    while (left > 0) {
      const n = Math.min(left, block.length);
      writeSync(fd, block, 0, n);
      block[0]! ^= 0xa5; // vary blocks a little so leaves differ
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

/** `demo`'s options. */
interface DemoFlags {
  dir?: string;
  keep?: boolean;
  size: string;
  simulatedCapacity: string;
  json?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('seal, verify, catch a bit flip, release and audit a model-like file on this machine')
    .option('--dir <dir>', 'where to put the demo files (default: a new temp directory, removed at the end)')
    .option('--keep', 'keep the temp directory (with --dir the files are always kept)')
    .option('--size <size>', 'model file size (needs that much free disk space)', '256MiB')
    .option(
      '--simulated-capacity <size>',
      'without a GPU: the simulated device memory (default: twice --size, at least 64MiB)',
    )
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter, opts: DemoFlags) => {
        const size = parseSizeArg('--size', opts.size);
        if (size < 1024) throw new InvalidArgumentError('--size', 'must be at least 1 KiB');
        const capacity =
          opts.simulatedCapacity === undefined
            ? Math.max(size * 2, 1 << 26)
            : simulatedCapacity(opts.simulatedCapacity);
        // Refuse before writing anything when the model file cannot fit (with room to spare for the records).
        checkFreeSpace(opts.dir === undefined ? tmpdir() : resolve(opts.dir), size, '--size');
        const dir = resolve(opts.dir ?? mkdtempSync(join(tmpdir(), 'vram-residency-demo-')));
        mkdirSync(dir, { recursive: true });
        // A temp directory of our own making holds a model-sized file: it goes unless asked to stay.
        const keep = opts.dir !== undefined || Boolean(opts.keep);
        const removeOnSignal = (signal: NodeJS.Signals) => {
          rmSync(dir, { recursive: true, force: true });
          process.exit(signal === 'SIGINT' ? 130 : 143);
        };
        if (!keep) for (const s of ['SIGINT', 'SIGTERM']) process.once(s, removeOnSignal);
        try {
          return await runDemo(reporter, dir, size, keep, capacity);
        } finally {
          for (const s of ['SIGINT', 'SIGTERM']) process.off(s, removeOnSignal);
          if (!keep) rmSync(dir, { recursive: true, force: true });
        }
      }),
    );
}

async function runDemo(
  reporter: Reporter,
  dir: string,
  size: number,
  keep: boolean,
  capacity: number,
): Promise<number> {
  const modelPath = join(dir, 'model.safetensors');
  const recordPath = join(dir, 'model.safetensors.seal.json');
  const auditDir = join(dir, 'audit');
  const token = randomBytes(24).toString('base64url'); // a fresh demo token; never printed
  const simulate = !cudaAvailable();
  const steps: Step[] = [];
  const step = async (name: string, fn: () => Promise<string>, expectFailure = false): Promise<void> => {
    const started = performance.now();
    let ok = true;
    let result: string;
    try {
      result = await fn();
    } catch (error) {
      ok = false;
      result = (error as Error).message;
    }
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    const good = expectFailure ? !ok : ok;
    steps.push({ step: name, ok: good, seconds, result });
    reporter.line(`${good ? '✓' : '✗'} ${name.padEnd(34)} ${seconds.toFixed(3).padStart(7)} s  ${result}`);
    if (!good) throw new CheckFailed(`demo step "${name}" did not go as expected: ${result}`, { steps });
  };

  reporter.line(
    simulate
      ? 'No usable CUDA device here: this demo uses the host-simulated device (host memory standing in for VRAM).'
      : 'Using CUDA device 0.',
  );
  await step('create model file', async () => {
    writeModelFile(modelPath, size);
    return `${formatBytes(size)} at ${modelPath}`;
  });
  const { audit, manager } = await openWorker(reporter, {
    token,
    workerId: 'demo-worker',
    auditDir,
    device: 0,
    simulate,
    leafSize: 65536,
    simulatedCapacityBytes: capacity,
    faultInjection: true,
  });
  let shard!: import('../../manager/sealed-shard.js').SealedShard;
  try {
    await step('seal into device memory', async () => {
      const bar = reporter.progress('seal', size);
      shard = await manager.sealFile(modelPath, {
        modelRef: 'demo/model.safetensors',
        computeContentSha256: true,
        onProgress: (p) => bar.update(p.bytes),
      });
      bar.stop();
      writeFileSync(recordPath, shard.recordJson());
      return `${shard.id}, ${plural(shard.leafCount, 'leaf', 'leaves')}, mth-sha256 ${shard.digest.slice(0, 16)}…`;
    });
    await step('verify in full (device re-hash)', async () => {
      // One device call with no byte count to report: say what is happening while it runs.
      const activity = reporter.activity(`re-hashing ${humanBytes(size)} in device memory…`);
      const r = await manager.verify(shard, { mode: 'full' }).finally(() => activity.done());
      return `ok, ${plural(r.leavesChecked, 'leaf', 'leaves')}`;
    });
    await step('verify by 16 sampled leaves', async () => {
      const r = await manager.verify(shard, { mode: 'sample', samples: 16 });
      return `ok, ${plural(r.leavesChecked, 'leaf', 'leaves')}`;
    });
    await step('inject a bit flip in device memory', async () => {
      const offset = Math.floor(size / 2) + (size >> 4); // somewhere past the middle, inside the file
      await manager.injectFaultForTesting(shard, offset, 0x01);
      return `flipped bit 0 of byte ${offset} (leaf ${Math.floor(offset / shard.leafSize)})`;
    });
    await step(
      'verify in full catches it',
      async () => {
        await manager.verify(shard, { mode: 'full' }).catch((e) => {
          if (e instanceof SealVerificationError) throw new Error(`refused: ${e.reason}`);
          throw e;
        });
        return 'not detected';
      },
      true,
    );
    await step('release (zero + free)', async () => {
      await manager.release(shard);
      return `freed ${formatBytes(shard.size)}`;
    });
  } finally {
    await manager.close();
    await audit.close();
  }
  await step('verify the audit log', async () => {
    const r = await verifyAuditLog(auditDir);
    if (!r.intact) throw new Error(r.summary);
    return r.summary;
  });
  await step('verify the file offline (WASM)', async () => {
    const bar = reporter.progress('verify', size);
    const record = await verifySealedFile(modelPath, parseSealRecord(readFileSync(recordPath, 'utf8')), {
      token,
      engine: 'wasm',
      onProgress: (p) => bar.update(p.bytes),
    }).finally(() => bar.stop());
    return `file matches seal ${record.shardId}`;
  });
  reporter.line('');
  if (keep) {
    reporter.line(`files: model ${modelPath}`);
    reporter.line(`       seal record ${recordPath}`);
    reporter.line(`       audit log ${auditDir}  (try: vram-residency audit verify ${auditDir})`);
  } else {
    reporter.line(`files: removed with their temp directory (add --keep or --dir DIR to keep them)`);
  }
  reporter.result({
    ok: true,
    simulated: simulate,
    dir,
    kept: keep,
    files: { model: modelPath, sealRecord: recordPath, auditDir },
    steps,
  });
  return 0;
}
