// The seal form adapts to what was chosen as the seal: a seal record asks for the worker token, a
// seal bundle or model.sig for a public key; the model input takes one file for a seal and files
// or a directory for a model.sig; the hints say what is needed now. Fields not needed are hidden
// and disabled, so nothing stale is submitted with them.
import { byId } from './dom.js';
import { readRecordInput } from './record-input.js';

export type FormMode = 'unknown' | 'record' | 'bundle' | 'model';

const RECORD_HELP: Record<FormMode, string> = {
  unknown:
    'Choose it first: the form then asks for what it needs. A seal record is checked with the worker token, a seal bundle with the worker’s public key, an OpenSSF model.sig with the publisher’s.',
  record: 'A seal record: checked with the worker token it was sealed under.',
  bundle: 'A seal bundle: checked with the worker’s public key; no token needed.',
  model: 'An OpenSSF model signature: checked with the publisher’s public key; no token needed.',
};

const MODEL_LABEL: Record<FormMode, string> = {
  unknown: 'Model file(s) or directory',
  record: 'Model file',
  bundle: 'Model file',
  model: 'Model files or directory',
};

const MODEL_HELP: Record<FormMode, string> = {
  unknown:
    'The bytes that were sealed or signed: one file for a seal record or bundle, a model’s files (or its directory) for a model.sig.',
  record: 'The one file the record sealed.',
  bundle: 'The one file the bundle’s seal covers.',
  model:
    'All files of the model, or its directory (files in subdirectories keep their paths, as the signature lists them).',
};

const PUBKEY_HELP: Record<FormMode, string> = {
  unknown: 'For seal bundles and model.sig: the .pub file, never the private .key.',
  record: '',
  bundle: 'The worker’s public key (the .pub file keygen wrote), never the private .key.',
  model: 'The publisher’s public key (ECDSA P-256 or P-384, .pub or .pem), never the private key.',
};

function show(fieldId: string, inputId: string, visible: boolean): void {
  byId(fieldId).hidden = !visible;
  byId<HTMLInputElement>(inputId).disabled = !visible;
}

export function applyFormMode(mode: FormMode): void {
  const form = byId<HTMLFormElement>('seal-form');
  form.dataset.mode = mode;
  byId('record-file-help').textContent = RECORD_HELP[mode];
  byId('model-label').textContent = MODEL_LABEL[mode];
  byId('model-file-help').textContent = MODEL_HELP[mode];
  byId('pubkey-help').textContent = PUBKEY_HELP[mode];
  show('token-field', 'token', mode === 'unknown' || mode === 'record');
  show('pubkey-field', 'pubkey-file', mode !== 'record');
  const asDir = byId<HTMLInputElement>('model-as-dir');
  const dirAllowed = mode === 'unknown' || mode === 'model';
  byId('model-as-dir-label').hidden = !dirAllowed;
  if (!dirAllowed && asDir.checked) {
    asDir.checked = false;
    setDirectoryPicking(false);
  }
  byId('token-field').parentElement!.classList.toggle('single', mode !== 'unknown');
}

/** Switches the one model input between picking files and picking a directory (clearing what was chosen). */
function setDirectoryPicking(on: boolean): void {
  const input = byId<HTMLInputElement>('model-file');
  input.value = '';
  input.toggleAttribute('webkitdirectory', on);
}

/** The mode for the seal file chosen now (read from its content, as the verification will). */
export async function modeFor(file: File | undefined): Promise<FormMode> {
  if (!file) return 'unknown';
  const input = await readRecordInput(file);
  if (input.kind === 'seal-bundle') return 'bundle';
  if (input.kind === 'model-signature') return 'model';
  if (input.kind === 'seal-record') return 'record';
  return 'unknown';
}

export function setUpSealForm(): void {
  const record = byId<HTMLInputElement>('record-file');
  let latest = 0;
  record.addEventListener('change', () => {
    const mine = ++latest;
    const file = record.files?.[0];
    // data-mode-of names the file the mode was read from (automation waits for it).
    const done = (mode: FormMode) => {
      if (mine !== latest) return;
      applyFormMode(mode);
      byId('seal-form').dataset.modeOf = file?.name ?? '';
    };
    modeFor(file).then(done, () => done('unknown'));
  });
  const asDir = byId<HTMLInputElement>('model-as-dir');
  asDir.addEventListener('change', () => setDirectoryPicking(asDir.checked));
  applyFormMode('unknown');
}
