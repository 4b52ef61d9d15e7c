// The "model files and their seal" section: reads the inputs, runs the matching verifier, shows
// progress, the checks in SPEC order, the verdict, and what the verdict does and does not prove.
import type { SealRecord } from '../lib/browser/internal.js';
import { renderChecks, type CheckOutcome, type CheckSpec } from './checks-view.js';
import { MODEL_SIGNATURE_CHECKS, verifyModelSignature } from './model-verify.js';
import { byId, formatBytes, showVerdict } from './dom.js';
import { defaultWorkerCount, type DigestProgress } from './parallel-digest.js';
import { readRecordInput } from './record-input.js';
import {
  SEAL_BUNDLE_CHECKS,
  SEAL_RECORD_CHECKS,
  verifyBundleWithKey,
  verifyRecordWithToken,
  type SealOutcome,
} from './seal-verify.js';

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

interface Run {
  kind: 'record' | 'bundle' | 'model';
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
  if (r.backend === 'host-sim')
    notes.push('This seal was made on the host-sim backend: host memory pretending to be a device, never VRAM.');
  return notes.join(' ');
}

async function publicKeyText(what: string): Promise<{ text: string; name: string }> {
  const keyFile = byId<HTMLInputElement>('pubkey-file').files?.[0];
  if (!keyFile) throw new InputProblem(`${what} is checked with the signer’s public key: choose its PEM file.`);
  return { text: await keyFile.text(), name: keyFile.name };
}

async function run(): Promise<Run> {
  const models = [
    ...Array.from(byId<HTMLInputElement>('model-file').files ?? []),
    ...Array.from(byId<HTMLInputElement>('model-dir').files ?? []),
  ];
  const recordFile = byId<HTMLInputElement>('record-file').files?.[0];
  const token = byId<HTMLInputElement>('token').value;
  if (!recordFile) throw new InputProblem('Choose a seal record, seal bundle or model.sig file.');
  if (models.length === 0) throw new InputProblem('Choose the model file(s) to check.');
  const input = await readRecordInput(recordFile);
  if (input.kind === 'unreadable') throw new InputProblem(`${input.problem}.`);
  if (input.kind === 'model-signature') {
    const key = await publicKeyText('A model signature');
    const o = await verifyModelSignature(input.value, recordFile.name, models, key.text, {
      workers: workerCount(false),
      onProgress: showProgress,
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
  if (models.length !== 1)
    throw new InputProblem(
      `A seal ${input.kind === 'seal-bundle' ? 'bundle' : 'record'} covers exactly one file; ${models.length} were chosen.`,
    );
  if (input.kind === 'seal-bundle') {
    const key = await publicKeyText('A seal bundle');
    const o = await verifyBundleWithKey(input.value, models[0]!, key.text, {
      workers: workerCount(true),
      onProgress: showProgress,
    });
    return fromSeal('bundle', SEAL_BUNDLE_CHECKS, o, key.name);
  }
  if (token === '') throw new InputProblem('Type the worker token the record was sealed under.');
  const withSha256 = typeof (input.value as { contentSha256?: unknown })?.contentSha256 === 'string';
  const o = await verifyRecordWithToken(input.value, models[0]!, token, {
    workers: workerCount(withSha256),
    onProgress: showProgress,
  });
  return fromSeal('record', SEAL_RECORD_CHECKS, o, null);
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
    delete result.dataset.seconds;
    run()
      .then((done) => {
        renderChecks(list, done.checks, done.outcomes);
        const speed = done.hashed ? ` (${formatBytes(done.hashed.bytes)} in ${done.hashed.seconds.toFixed(2)} s)` : '';
        if (done.ok) showVerdict(result, 'ok', `Verified: ${done.message}${speed}.`);
        else showVerdict(result, 'failed', `Failed — ${done.message}`, done.reason);
        if (done.hashed) result.dataset.seconds = done.hashed.seconds.toFixed(3);
        byId('scope').textContent = scopeNote(done);
      })
      .catch((error: unknown) => {
        // Inputs the user can fix: a token of the wrong length (E_ARG), a key file that is no usable public key (E_KEY).
        const code = (error as { code?: unknown } | null)?.code;
        const known = error instanceof InputProblem || code === 'E_ARG' || code === 'E_KEY';
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
