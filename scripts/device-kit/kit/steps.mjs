// The kit's steps, in order, each with its own time cap (the runner also keeps all of them within
// 8 minutes). A step runs in its own process and returns summary rows: passed, failed or skipped
// (skipped only with a reason, and only where the step says a skip is not a failure).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCapped } from './capped.mjs';

function envFor(ctx) {
  return { VRR_KIT_MODE: ctx.dryRun ? 'dry-run' : 'device', VRR_KIT_WORK: ctx.work };
}

function logStep(ctx, name, run) {
  const log = join(ctx.logs, `${name}.log`);
  writeFileSync(log, run.output);
  return `logs/${name}.log`;
}

function notRun(run, cap) {
  if (run.timedOut) return `hit its ${cap} s cap`;
  if (run.error) return run.error;
  return null;
}

// A check file for Node's built-in test runner, in this process's TAP form.
function nodeTest(name, file, capSeconds, what) {
  return {
    name,
    capSeconds,
    what,
    run(ctx, cap) {
      const run = runCapped(ctx.node, ['--test-reporter=tap', join('kit', 'checks', file)], cap, envFor(ctx));
      const log = logStep(ctx, name, run);
      const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(run.stdout)?.[1] ?? Number.NaN);
      const pass = count('pass');
      const fail = count('fail');
      const skipped = count('skipped');
      const failures = [...run.stdout.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]).slice(0, 4);
      const crash = /^(\w*Error\b.*)$/m.exec(run.output)?.[1] ?? 'no TAP summary';
      const counts = Number.isNaN(pass) ? crash : `${pass} passed, ${fail} failed`;
      const problem =
        notRun(run, cap) ??
        (run.status !== 0 || fail > 0 || !(pass > 0)
          ? `exit ${run.status}, ${counts}${failures.length ? `: ${failures.join(' | ')}` : ''}`
          : null);
      const detail = problem ?? `${pass} passed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
      return [{ name, status: problem ? 'failed' : 'passed', detail, seconds: run.seconds, log }];
    },
  };
}

// A kit script whose last stdout line is {"rows":[{name,status,detail}],"figures":{...}}.
function jsonScript(name, script, capSeconds, what) {
  return {
    name,
    capSeconds,
    what,
    run(ctx, cap) {
      const run = runCapped(ctx.node, [join('kit', script), `--cap=${cap}`], cap, envFor(ctx));
      const log = logStep(ctx, name, run);
      let result = null;
      try {
        result = JSON.parse(run.stdout.trim().split('\n').at(-1));
      } catch {}
      const problem = notRun(run, cap) ?? (result?.rows ? null : `exit ${run.status} without a result line`);
      if (problem) return [{ name, status: 'failed', detail: problem, seconds: run.seconds, log }];
      if (result.figures) ctx.summary.figures = { ...ctx.summary.figures, [name]: result.figures };
      return result.rows.map((row) => ({ ...row, seconds: row.seconds ?? run.seconds, log }));
    },
  };
}

const bench = {
  name: 'bench',
  capSeconds: 90,
  what: 'bench/gpu.mjs: upload+hash GB/s, full re-hash TB/s, sampled-verify latency, CPU engine GB/s',
  run(ctx, cap) {
    const run = runCapped(ctx.node, [join('package', 'bench', 'gpu.mjs'), '--json'], cap, envFor(ctx));
    const log = logStep(ctx, 'bench', run);
    let out = null;
    try {
      out = JSON.parse(run.stdout.trim().split('\n').at(-1));
    } catch {}
    const row = (status, detail) => [{ name: 'bench', status, detail, seconds: run.seconds, log }];
    const problem = notRun(run, cap) ?? (run.status !== 0 || !out ? `exit ${run.status}` : null);
    if (problem) return row('failed', problem);
    if (out.skipped) return ctx.dryRun ? row('skipped', `dry run: ${out.skipped}`) : row('failed', out.skipped);
    ctx.summary.figures = { ...ctx.summary.figures, bench: out };
    return row(
      'passed',
      `${out.device}: upload+hash ${out.uploadHashGBps.toFixed(1)} GB/s, re-hash ${out.rehashTBps.toFixed(3)} TB/s, ` +
        `${out.sampleMs.leaves}-leaf sample median ${out.sampleMs.median.toFixed(3)} ms (p95 ${out.sampleMs.p95.toFixed(3)}), CPU ${out.cpuGBps.toFixed(1)} GB/s`,
    );
  },
};

/** Every step of a kit run, in order. */
export const STEPS = [
  nodeTest(
    'equivalence',
    'equivalence.check.mjs',
    120,
    'cuda = host-sim = CPU engine: every leaf size, offsets, partial leaves, parallel uploads, upload-then-hash',
  ),
  nodeTest('errors', 'errors.check.mjs', 60, 'sticky and non-sticky errors, zeroing on release'),
  nodeTest(
    'policy',
    'policy.check.mjs',
    45,
    'VRAM-only policy against the real device properties and pointer attributes',
  ),
  bench,
  jsonScript('cli', 'cli.mjs', 60, 'the CLI demo, seal and verify on the device'),
  jsonScript(
    'handoff',
    'handoff/seal-export.mjs',
    75,
    'sealed-memory hand-off: a second Node process and a Python consumer',
  ),
];
