// The "model files and their seal" section: reads the inputs, runs the matching verifier, shows
// progress, the checks in SPEC order, the verdict, and what the verdict does and does not prove.
import type { SealRecord } from '../dist/seal/record.js';
import { renderChecks, type CheckOutcome, type CheckSpec } from './checks-view.js';
import { MODEL_SIGNATURE_CHECKS, verifyModelSignature } from './model-verify.js';
import { VerificationCancelled } from './cancel.js';
import { byId } from './dom.js';
import { cannotVerifyText, checkTokenLength, InputProblem, publicKeyProblem } from './input-problems.js';
import { defaultWorkerCount, digestBlob, type DigestProgress } from './parallel-digest.js';
import { readRecordInput } from './record-input.js';
import {
  SEAL_BUNDLE_CHECKS,
  SEAL_RECORD_CHECKS,
  verifyBundleWithKey,
  verifyRecordWithToken,
  type SealOutcome,
} from './seal-verify.js';
import { setUpSealForm } from './seal-form.js';
import { formatBytes, formatEstimate } from './units.js';
import { showVerdictView } from './verdict.js';

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
  // An estimate once the rate has settled a little (and only when there is something left).
  if (rate > 0 && p.seconds >= 1 && bytes < p.totalBytes)
    parts.push(`${formatEstimate((p.totalBytes - bytes) / rate)} left`);
  if (p.shaBytes !== null) {
    parts.push(
      `tree ${Math.floor((100 * p.treeBytes) / p.totalBytes)} %, SHA-256 ${Math.floor((100 * p.shaBytes) / p.totalBytes)} %`,
    );
  }
  byId('progress-text').textContent = parts.join(' · ');
}

interface Run {
  kind: 'record' | 'bundle' | 'model' | 'read';
  checks: readonly CheckSpec[];
  ok: boolean;
  reason: string | null;
  message: string;
  outcomes: Map<string, CheckOutcome>;
  /** The seal that was checked (records and bundles). */
  record: SealRecord | null;
  /** Bytes hashed and how long it took, when hashing ran. */
  hashed: { bytes: number; seconds: number } | null;
  keyName: string | null;
}

function fromSeal(
  kind: 'record' | 'bundle',
  checks: readonly CheckSpec[],
  o: SealOutcome,
  keyName: string | null,
): Run {
  const hashed = o.digest ? { bytes: o.digest.size, seconds: o.digest.seconds } : null;
  return {
    kind,
    checks,
    ok: o.ok,
    reason: o.reason,
    message: o.message,
    outcomes: o.checks,
    record: o.record,
    hashed,
    keyName,
  };
}

function scopeNote({ kind, ok, record: r, keyName }: Run): string {
  if (!ok) return '';
  if (kind === 'model') {
    return `Checked: the publisher's signature over the model's manifest under the public key in ${keyName}, that the files chosen are exactly the files signed, and every byte of each (SHA-256). The signature proves the files to anyone who trusts that this key is the publisher's: check where the key came from.`;
  }
  if (!r) return '';
  const where = r.deviceUuid ?? `device ${r.device}`;
  const notes = [
    `Sealed by worker ${r.workerId} on ${where} (${r.backend}) at ${r.sealedAt}${r.modelRef ? ` for ${r.modelRef}` : ''}.`,
  ];
  const bytes = `every byte of the file (size, mth-sha256 tree digest${r.contentSha256 ? ', plain SHA-256' : ''})`;
  if (kind === 'bundle') {
    notes.push(`Checked: the signature over the seal statement under the public key in ${keyName}, and ${bytes}.`);
    notes.push(
      'The signature proves the seal to anyone who trusts that this public key is the worker’s: check where the key came from.',
    );
  } else {
    notes.push(`Checked: the record's MAC under the key derived from your token, and ${bytes}.`);
    notes.push(
      'A token-based seal proves the record to whoever holds the token — who could also have written it. For proof to third parties, verify a seal bundle with the worker’s public key.',
    );
  }
  notes.push('It does not show that the bytes are in GPU memory now: only that this file is what was sealed.');
  return notes.join(' ');
}

/** Why a verified result is weaker than it sounds (each turns the verdict amber). */
function caveatsOf({ record: r }: Run): string[] {
  const caveats: string[] = [];
  if (r?.backend === 'host-sim')
    caveats.push(
      'Sealed on the simulated device (host-sim): host memory standing in for a GPU, never VRAM. It proves the file, not that it was ever in GPU memory.',
    );
  return caveats;
}

async function publicKeyText(what: string): Promise<{ text: string; name: string }> {
  const keyFile = byId<HTMLInputElement>('pubkey-file').files?.[0];
  if (!keyFile) throw new InputProblem(`${what} is checked with a public key: choose its .pub or .pem file.`);
  const text = await keyFile.text();
  const problem = publicKeyProblem(text, keyFile.name);
  if (problem) throw new InputProblem(problem);
  return { text, name: keyFile.name };
}

function chosenModels(): File[] {
  return Array.from(byId<HTMLInputElement>('model-file').files ?? []);
}

/** The read path alone (Advanced): the browser's read rate, which bounds verification here. */
async function measureRead(models: File[], signal: AbortSignal): Promise<Run> {
  if (models.length !== 1) throw new InputProblem('Choose one model file to measure reading it.');
  const d = await digestBlob(models[0]!, {
    leafSize: 65536,
    workers: workerCount(false),
    sha256: false,
    readOnly: true,
    onProgress: showProgress,
    signal,
  });
  const message = `read ${formatBytes(d.size)} in ${d.seconds.toFixed(2)} s (${formatBytes(Math.round(d.size / d.seconds))}/s) with the verification's workers and chunks; nothing was hashed`;
  return {
    kind: 'read',
    checks: [],
    ok: true,
    reason: null,
    message,
    outcomes: new Map(),
    record: null,
    hashed: { bytes: d.size, seconds: d.seconds },
    keyName: null,
  };
}

async function run(signal: AbortSignal): Promise<Run> {
  const models = chosenModels();
  if (byId<HTMLInputElement>('read-only').checked) return measureRead(models, signal);
  const recordFile = byId<HTMLInputElement>('record-file').files?.[0];
  if (!recordFile) throw new InputProblem('Choose the seal record, seal bundle or model.sig to check against.');
  const input = await readRecordInput(recordFile);
  if (input.kind === 'unreadable')
    throw new InputProblem(`${input.problem}: choose a seal record, seal bundle or model.sig.`);
  if (models.length === 0)
    throw new InputProblem(
      input.kind === 'model-signature'
        ? 'Choose the model’s files or its directory.'
        : 'Choose the model file that was sealed.',
    );
  if (input.kind === 'model-signature') {
    const key = await publicKeyText('A model signature');
    const o = await verifyModelSignature(input.value, recordFile.name, models, key.text, {
      workers: workerCount(false),
      onProgress: showProgress,
      signal,
    });
    const hashed = o.bytes > 0 && o.ok ? { bytes: o.bytes, seconds: o.seconds } : null;
    return {
      kind: 'model',
      checks: MODEL_SIGNATURE_CHECKS,
      ok: o.ok,
      reason: o.reason,
      message: o.message,
      outcomes: o.checks,
      record: null,
      hashed,
      keyName: key.name,
    };
  }
  const what = input.kind === 'seal-bundle' ? 'bundle' : 'record';
  if (models.length !== 1)
    throw new InputProblem(`A seal ${what} covers exactly one file; ${models.length} were chosen.`);
  if (input.kind === 'seal-bundle') {
    const key = await publicKeyText('A seal bundle');
    const o = await verifyBundleWithKey(input.value, models[0]!, key.text, {
      workers: workerCount(true),
      onProgress: showProgress,
      signal,
    });
    return fromSeal('bundle', SEAL_BUNDLE_CHECKS, o, key.name);
  }
  const token = byId<HTMLInputElement>('token').value;
  checkTokenLength(token);
  const withSha256 = typeof (input.value as { contentSha256?: unknown })?.contentSha256 === 'string';
  const o = await verifyRecordWithToken(input.value, models[0]!, token, {
    workers: workerCount(withSha256),
    onProgress: showProgress,
    signal,
  });
  return fromSeal('record', SEAL_RECORD_CHECKS, o, null);
}

function showDone(result: HTMLElement, list: HTMLOListElement, done: Run): void {
  renderChecks(list, done.checks, done.outcomes);
  const speed = done.hashed ? ` (${formatBytes(done.hashed.bytes)} in ${done.hashed.seconds.toFixed(2)} s)` : '';
  if (done.kind === 'read') showVerdictView(result, { status: 'measured', detail: `${done.message}.` });
  else if (done.ok)
    showVerdictView(result, {
      status: 'ok',
      detail: `${done.message.replace(/^the /, 'The ')}${speed}.`,
      caveats: caveatsOf(done),
    });
  else showVerdictView(result, { status: 'failed', detail: done.message, reason: done.reason });
  if (done.hashed) result.dataset.seconds = done.hashed.seconds.toFixed(3);
  byId('scope').textContent = scopeNote(done);
}

export function setUpSealSection(): void {
  const form = byId<HTMLFormElement>('seal-form');
  const button = byId<HTMLButtonElement>('verify');
  const cancel = byId<HTMLButtonElement>('cancel');
  const result = byId('result');
  const list = byId<HTMLOListElement>('checks');
  byId('core-count').textContent = `${defaultWorkerCount()} here`;
  setUpSealForm();
  let running: AbortController | null = null;
  cancel.addEventListener('click', () => running?.abort());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (running) return;
    const controller = new AbortController();
    running = controller;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    list.replaceChildren();
    byId('scope').textContent = '';
    showProgress(null);
    showVerdictView(result, { status: 'running', detail: 'Verifying…' });
    delete result.dataset.seconds;
    cancel.hidden = false;
    run(controller.signal)
      .then((done) => showDone(result, list, done))
      .catch((error: unknown) => {
        if (error instanceof VerificationCancelled) {
          showProgress(null);
          showVerdictView(result, { status: 'cancelled', detail: 'Stopped before the end: nothing was decided.' });
        } else showVerdictView(result, { status: 'cannot', detail: cannotVerifyText(error), reason: 'input' });
      })
      .finally(() => {
        running = null;
        cancel.hidden = true;
        button.disabled = false;
        form.removeAttribute('aria-busy');
      });
  });
}
