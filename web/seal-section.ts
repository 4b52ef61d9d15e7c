// The "model files and their seal" section: reads the inputs, runs the matching verifier, shows
// progress, the checks in SPEC order, the verdict, and what the verdict does and does not prove.
import { renderChecks, type CheckSpec } from './checks-view.js';
import { byId, formatBytes, showVerdict } from './dom.js';
import { defaultWorkerCount, type DigestProgress } from './parallel-digest.js';
import { readRecordInput } from './record-input.js';
import { SEAL_RECORD_CHECKS, verifyRecordWithToken, type SealOutcome } from './seal-verify.js';

class InputProblem extends Error {}

/** Tree workers. By default one per core, less the core the sequential SHA-256 worker keeps busy when there is one. */
function workerCount(withSha256: boolean): number {
  const text = byId<HTMLInputElement>('workers').value.trim();
  if (text === '') return Math.max(1, defaultWorkerCount() - (withSha256 ? 1 : 0));
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw new InputProblem('Parallel workers must be a whole number from 1 to 16.');
  return n;
}

function showProgress(p: DigestProgress | null): void {
  const box = byId<HTMLDivElement>('progress-box');
  if (!p) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  // The verdict waits for the slower of the two hashes, so the bar shows that one.
  const bytes = p.shaBytes === null ? p.treeBytes : Math.min(p.treeBytes, p.shaBytes);
  byId<HTMLProgressElement>('progress').value = bytes / p.totalBytes;
  const rate = p.seconds > 0 ? bytes / p.seconds : 0;
  const parts = [`${formatBytes(bytes)} of ${formatBytes(p.totalBytes)}`, `${formatBytes(Math.round(rate))}/s`];
  if (p.shaBytes !== null) {
    parts.push(
      `tree ${Math.floor((100 * p.treeBytes) / p.totalBytes)} %, SHA-256 ${Math.floor((100 * p.shaBytes) / p.totalBytes)} %`,
    );
  }
  byId('progress-text').textContent = parts.join(' · ');
}

function scopeNote(outcome: SealOutcome): string {
  if (!outcome.ok || !outcome.record) return '';
  const r = outcome.record;
  const notes = [
    `Checked: the record's MAC under the key derived from your token, and every byte of the file (size, mth-sha256 tree digest${r.contentSha256 ? ', plain SHA-256' : ''}).`,
    'A token-based seal proves the record to whoever holds the token — who could also have written it. For proof to third parties, verify a seal bundle with the worker’s public key.',
    'It does not show that the bytes are in GPU memory now: only that this file is what was sealed.',
  ];
  if (r.backend === 'host-sim')
    notes.push('This seal was made on the host-sim backend: host memory pretending to be a device, never VRAM.');
  const where = r.deviceUuid ?? `device ${r.device}`;
  notes.unshift(
    `Sealed by worker ${r.workerId} on ${where} (${r.backend}) at ${r.sealedAt}${r.modelRef ? ` for ${r.modelRef}` : ''}.`,
  );
  return notes.join(' ');
}

async function run(): Promise<{ checks: readonly CheckSpec[]; outcome: SealOutcome }> {
  const models = Array.from(byId<HTMLInputElement>('model-file').files ?? []);
  const recordFile = byId<HTMLInputElement>('record-file').files?.[0];
  const token = byId<HTMLInputElement>('token').value;
  if (!recordFile) throw new InputProblem('Choose a seal record, seal bundle or model.sig file.');
  if (models.length === 0) throw new InputProblem('Choose the model file(s) to check.');
  const input = await readRecordInput(recordFile);
  if (input.kind === 'unreadable') throw new InputProblem(`${input.problem}.`);
  if (input.kind === 'seal-bundle' || input.kind === 'model-signature') {
    throw new InputProblem(
      `${recordFile.name} is a ${input.kind === 'seal-bundle' ? 'seal bundle' : 'model signature (OMS)'}: this build of the page cannot check public-key signatures yet. Use the CLI (vram-residency verify --bundle).`,
    );
  }
  if (models.length !== 1)
    throw new InputProblem(`A seal record covers exactly one file; ${models.length} were chosen.`);
  if (token === '') throw new InputProblem('Type the worker token the record was sealed under.');
  const withSha256 = typeof (input.value as { contentSha256?: unknown })?.contentSha256 === 'string';
  const outcome = await verifyRecordWithToken(input.value, models[0]!, token, {
    workers: workerCount(withSha256),
    onProgress: showProgress,
  });
  return { checks: SEAL_RECORD_CHECKS, outcome };
}

export function setUpSealSection(): void {
  const form = byId<HTMLFormElement>('seal-form');
  const button = byId<HTMLButtonElement>('verify');
  const result = byId('result');
  const list = byId<HTMLOListElement>('checks');
  byId('core-count').textContent = `${defaultWorkerCount()} here`;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    list.replaceChildren();
    byId('scope').textContent = '';
    showProgress(null);
    showVerdict(result, 'running', 'Verifying…');
    run()
      .then(({ checks, outcome }) => {
        renderChecks(list, checks, outcome.checks);
        const speed = outcome.digest
          ? ` (${formatBytes(outcome.digest.size)} in ${outcome.digest.seconds.toFixed(2)} s)`
          : '';
        if (outcome.ok) showVerdict(result, 'ok', `Verified: ${outcome.message}${speed}.`);
        else showVerdict(result, 'failed', `Failed — ${outcome.message}`, outcome.reason);
        if (outcome.digest) result.dataset.seconds = outcome.digest.seconds.toFixed(3);
        byId('scope').textContent = scopeNote(outcome);
      })
      .catch((error: unknown) => {
        const known =
          error instanceof InputProblem ||
          (error instanceof Error && 'code' in error && (error as { code: unknown }).code === 'E_ARG');
        const text = error instanceof Error ? error.message : String(error);
        showVerdict(
          result,
          'failed',
          known ? `Cannot verify — ${text}` : `Cannot verify — unexpected error: ${text}`,
          'input',
        );
      })
      .finally(() => {
        button.disabled = false;
        form.removeAttribute('aria-busy');
      });
  });
}
