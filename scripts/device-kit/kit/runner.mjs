// The device kit's runner, started by run.sh with the kit's own Node binary. It detects the device
// (stopping with one line when there is none), prints the device facts, runs each step in its own
// process with its own time cap (all within 8 minutes), and writes RESULTS/summary.json (rewritten
// after every step, so a run cut short still brings back what it did) and one log per step.
//   run.sh [--out RESULTS] [--dry-run] [--only step,step]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCapped } from './capped.mjs';
import { STEPS } from './steps.mjs';

const kitDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET_SECONDS = 480;
const started = Date.now();

function usage(line) {
  console.log(
    `device-kit: ${line}; usage: run.sh [--out RESULTS] [--dry-run] [--only ${STEPS.map((s) => s.name).join(',')}]`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { out: join(kitDir, 'results'), dryRun: false, only: null, unpackedWith: 'unknown' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--out' && argv[i + 1]) opts.out = resolve(argv[++i]);
    else if (a === '--unpacked-with' && argv[i + 1]) opts.unpackedWith = argv[++i];
    else if (a === '--only' && argv[i + 1]) opts.only = new Set(argv[++i].split(','));
    else usage(`unknown or incomplete argument ${JSON.stringify(a)}`);
  }
  for (const name of opts.only ?? []) if (!STEPS.some((s) => s.name === name)) usage(`no step named ${name}`);
  return opts;
}

function gpuVisible() {
  if (existsSync('/proc/driver/nvidia/version')) return { visible: true, how: '/proc/driver/nvidia/version' };
  const smi = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 20_000 });
  if (!smi.error && smi.status === 0 && /GPU \d+:/.test(smi.stdout)) return { visible: true, how: 'nvidia-smi -L' };
  const why = smi.error ? 'nvidia-smi is not on PATH' : `nvidia-smi -L exited ${smi.status}`;
  return { visible: false, why: `no /proc/driver/nvidia/version and ${why}` };
}

function deviceFacts(ctx) {
  const lines = [];
  const smi = runCapped('nvidia-smi', [], 20);
  lines.push('$ nvidia-smi', smi.error ?? smi.output);
  const query = runCapped(
    'nvidia-smi',
    ['--query-gpu=index,name,uuid,driver_version,memory.total,compute_cap', '--format=csv,noheader'],
    20,
  );
  const gpus = query.error || query.status !== 0 ? [] : query.stdout.trim().split('\n').filter(Boolean);
  let driver = null;
  try {
    driver = readFileSync('/proc/driver/nvidia/version', 'utf8').split('\n')[0];
  } catch {}
  lines.push('$ cat /proc/driver/nvidia/version', driver ?? '(none)');
  const doctorRun = runCapped(ctx.node, [join(kitDir, 'package', 'dist', 'cli', 'main.js'), 'doctor', '--json'], 30);
  lines.push('$ vram-residency doctor --json', doctorRun.output);
  let doctor = null;
  try {
    doctor = JSON.parse(doctorRun.stdout);
  } catch {}
  writeFileSync(join(ctx.logs, 'device-facts.log'), `${lines.join('\n')}\n`);
  const glibc = process.report?.getReport().header.glibcVersionRuntime ?? null;
  return { nvidiaSmi: gpus, driver, glibc, doctor, doctorExit: doctorRun.status };
}

function writeSummary(ctx) {
  const failed = ctx.summary.steps.filter((s) => s.status === 'failed').length;
  ctx.summary.passed = ctx.summary.stopped ? false : failed === 0;
  ctx.summary.seconds = (Date.now() - started) / 1000;
  writeFileSync(join(ctx.out, 'summary.json'), `${JSON.stringify(ctx.summary, null, 2)}\n`);
}

function stop(ctx, line) {
  rmSync(ctx.work, { recursive: true, force: true });
  ctx.summary.stopped = line;
  writeSummary(ctx);
  console.log(`device-kit: stopped - ${line}`);
  process.exit(2);
}

function setUp(opts) {
  const manifest = JSON.parse(readFileSync(join(kitDir, 'kit.json'), 'utf8'));
  const out = opts.out;
  const logs = join(out, 'logs');
  // Scratch files (up to a few hundred MiB) stay out of RESULTS, which a borrowed machine sends back.
  const work = mkdtempSync(join(tmpdir(), 'vrr-device-kit-work-'));
  rmSync(logs, { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  const summary = {
    kit: { commit: manifest.commit, treeSha256: manifest.treeSha256, addon: manifest.addon },
    mode: opts.dryRun ? 'dry-run' : 'device',
    node: { version: process.version, execPath: process.execPath, unpackedWith: opts.unpackedWith },
    startedAt: new Date(started).toISOString(),
    budgetSeconds: BUDGET_SECONDS,
    stopped: null,
    facts: null,
    steps: [],
    passed: false,
    seconds: 0,
  };
  return { opts, manifest, out, logs, work, summary, node: process.execPath, kitDir, dryRun: opts.dryRun };
}

function detect(ctx) {
  if (ctx.dryRun) return;
  const gpu = gpuVisible();
  if (!gpu.visible)
    stop(
      ctx,
      `no NVIDIA GPU visible here (${gpu.why}); run the kit on a GPU machine, or \`run.sh --dry-run\` to exercise it on host-sim`,
    );
  if (!ctx.manifest.addon.withCuda)
    stop(
      ctx,
      `this kit carries a ${ctx.manifest.addon.kind} addon without CUDA; rebuild it with \`npm run device-kit\` (CUDA prebuild)`,
    );
}

async function main() {
  const ctx = setUp(parseArgs(process.argv.slice(2)));
  detect(ctx);
  const a = ctx.manifest.addon;
  console.log(
    `device-kit: ${ctx.summary.mode} run, kit ${ctx.manifest.treeSha256.slice(0, 16)} (commit ${ctx.manifest.commit ?? 'unknown'}), ` +
      `node ${process.version} from ${process.execPath} (${ctx.opts.unpackedWith}), addon ${a.kind}${a.withCuda ? '' : ' (no CUDA)'}`,
  );
  const facts = deviceFacts(ctx);
  ctx.summary.facts = facts;
  const status = facts.doctor?.addon;
  console.log(`device-kit: driver ${facts.driver ?? 'none'}; GPUs: ${facts.nvidiaSmi.join(' | ') || 'none listed'}`);
  for (const d of facts.doctor?.devices ?? []) {
    const p = d.properties;
    console.log(
      `device-kit: device ${p.index}: ${p.name} (${p.uuid}), ${(p.totalMemory / 2 ** 30).toFixed(1)} GiB, cc ${p.computeCapability.major}.${p.computeCapability.minor}, ` +
        `driver CUDA ${p.driverVersion}, runtime ${p.runtimeVersion}, policy ${d.policy.accepted ? 'accepted' : `refused: ${d.policy.findings.join('; ')}`}`,
    );
  }
  console.log(
    `device-kit: doctor: ${facts.doctor?.verdict ?? `did not answer (exit ${facts.doctorExit})`}; glibc ${facts.glibc}`,
  );
  writeSummary(ctx);
  if (!ctx.dryRun && !(status?.cudaDeviceCount > 0))
    stop(
      ctx,
      `the addon sees no usable CUDA device (${status?.reason ?? 'doctor did not answer'}); see logs/device-facts.log`,
    );
  const steps = STEPS.filter((s) => !ctx.opts.only || ctx.opts.only.has(s.name));
  for (const [i, step] of steps.entries()) {
    const left = BUDGET_SECONDS - (Date.now() - started) / 1000;
    const cap = Math.floor(Math.min(step.capSeconds, left));
    if (cap < 5) {
      ctx.summary.steps.push({
        name: step.name,
        status: 'failed',
        detail: 'not run: the 8-minute budget is spent',
        seconds: 0,
        capSeconds: 0,
      });
      continue;
    }
    console.log(`device-kit: [${i + 1}/${steps.length}] ${step.name} (cap ${cap} s) ...`);
    for (const row of await step.run(ctx, cap)) {
      ctx.summary.steps.push({ ...row, capSeconds: cap });
      console.log(
        `  ${row.status.padEnd(7)} ${row.name.padEnd(20)} ${row.seconds.toFixed(1).padStart(6)} s  ${row.detail}`,
      );
    }
    writeSummary(ctx);
  }
  rmSync(ctx.work, { recursive: true, force: true });
  writeSummary(ctx);
  const failed = ctx.summary.steps.filter((s) => s.status === 'failed');
  console.log(
    `device-kit: ${failed.length ? `FAILED (${failed.map((s) => s.name).join(', ')})` : 'passed'} in ${ctx.summary.seconds.toFixed(0)} s; summary ${join(ctx.out, 'summary.json')}`,
  );
  process.exit(failed.length ? 1 : 0);
}

await main();
