// The inclusion proof section: a `.tlog-proof` chosen or dropped, the log's public key, optionally
// trusted witnesses' keys and a quorum (asked for only once witness keys are chosen); the verdict,
// the SPEC §8 checks in order, and — only when it verifies — the record the proof proves.
import type { RecordProofVerdict } from '../lib/browser/internal.js';
import { outcomesUpTo, renderChecks } from './checks-view.js';
import { byId, el, onDrop } from './dom.js';
import { cannotVerifyText } from './input-problems.js';
import { checkOfReason, PROOF_CHECKS, verifyProofFiles } from './proof-verify.js';
import { plural, showVerdictView } from './verdict.js';

type Proven = Extract<RecordProofVerdict, { ok: true }>;

/** Why a verified proof is weaker than it sounds (each turns the verdict amber). */
export function proofCaveats(v: Proven, witnessKeys: number, quorum: number): string[] {
  const caveats: string[] = [];
  if (witnessKeys === 0 || quorum === 0)
    caveats.push(
      'Unwitnessed: only the log’s own key vouches for this checkpoint, so a log that shows one history to you and another to others is not caught. Give trusted witnesses’ keys and a quorum.',
    );
  if (v.record.severity === 'critical')
    caveats.push(
      `The proven record is a critical event (${v.record.type}): it is in the log, and what it records is not well.`,
    );
  return caveats;
}

function successDetail(v: Proven): string {
  const cosigned = v.cosigners.length ? `, cosigned by ${v.cosigners.map((c) => c.name).join(', ')}` : '';
  return `Record seq ${v.record.seq.toLocaleString('en-US')} of ${v.record.service}’s audit log is included in its checkpoint of ${plural(v.checkpoint.size, 'record')}, signed by ${v.signer}${cosigned}.`;
}

/** The record a verified proof proves: type, time, data first, then where it sits. */
function showRecord(v: Proven | null): void {
  const box = byId('proof-record');
  box.hidden = v === null;
  if (!v) {
    box.replaceChildren();
    return;
  }
  const r = v.record;
  const list = el('dl');
  const row = (term: string, value: HTMLElement | string) => {
    const dd = el('dd');
    dd.append(value);
    list.append(el('dt', term), dd);
  };
  row('Type', r.type);
  row('Time (ts)', r.ts);
  row('Data', el('pre', JSON.stringify(r.data, null, 2)));
  row('Severity', r.severity);
  row('Service, seq', `${r.service}, seq ${r.seq.toLocaleString('en-US')}`);
  row('Record id', r.id);
  row('Checkpoint', `${v.checkpoint.origin}, size ${v.checkpoint.size.toLocaleString('en-US')}`);
  box.replaceChildren(el('h3', 'The record this proof proves'), list);
}

/** The form asks for a quorum only once there are witness keys to count. */
function adaptToWitnesses(): void {
  const witnesses = byId<HTMLInputElement>('witness-files');
  const field = byId('quorum-field');
  const quorum = byId<HTMLInputElement>('quorum');
  const adapt = () => {
    const n = witnesses.files?.length ?? 0;
    field.hidden = n === 0;
    quorum.disabled = n === 0;
    quorum.max = String(n);
    quorum.placeholder = n ? String(n) : '';
  };
  witnesses.addEventListener('change', adapt);
  adapt();
}

/**
 * A proof file dropped on the proof field (the first `.tlog-proof` dropped, else the first file)
 * becomes the input's file, so the form shows what will be verified.
 */
function acceptDrops(result: HTMLElement): void {
  const drop = byId('proof-drop');
  const input = byId<HTMLInputElement>('proof-file');
  onDrop(drop, (data) => {
    const files = Array.from(data.files);
    const proof = files.find((f) => f.name.endsWith('.tlog-proof')) ?? files[0];
    if (!proof) return;
    const chosen = new DataTransfer();
    chosen.items.add(proof);
    input.files = chosen.files;
    drop.dataset.dropped = proof.name;
    showVerdictView(result, {
      status: 'idle',
      detail: `${proof.name} dropped; choose the log’s public key and press Verify proof.`,
    });
  });
}

function showOutcome(run: Awaited<ReturnType<typeof verifyProofFiles>>, witnessKeys: number): void {
  const { verdict: v, quorum } = run;
  const result = byId('proof-result');
  const skipped = new Map<string, string>();
  if (witnessKeys === 0) skipped.set('witnesses', 'no witness keys given');
  if (v.ok) {
    showVerdictView(result, { status: 'ok', detail: successDetail(v), caveats: proofCaveats(v, witnessKeys, quorum) });
    renderChecks(byId('proof-checks'), PROOF_CHECKS, outcomesUpTo(PROOF_CHECKS, null, '', skipped));
  } else {
    const detail = `${v.detail.charAt(0).toUpperCase()}${v.detail.slice(1)}${/[.!?]$/.test(v.detail) ? '' : '.'}`;
    showVerdictView(result, { status: 'failed', detail: `The proof fails (${v.reason}): ${detail}`, reason: v.reason });
    renderChecks(
      byId('proof-checks'),
      PROOF_CHECKS,
      outcomesUpTo(PROOF_CHECKS, checkOfReason(v.reason), `${v.reason}: ${v.detail}`, skipped),
    );
  }
  showRecord(v.ok ? v : null);
  byId('proof-scope').textContent = v.ok
    ? 'A proof shows that this record is in the log the checkpoint commits to; it says nothing of the records around it. Check that the log’s public key (and any witness key) came from someone you trust.'
    : '';
}

export function setUpProofSection(): void {
  const form = byId<HTMLFormElement>('proof-form');
  const result = byId('proof-result');
  const button = byId<HTMLButtonElement>('verify-proof');
  adaptToWitnesses();
  acceptDrops(result);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const proof = byId<HTMLInputElement>('proof-file').files?.[0] ?? null;
    const publicKey = byId<HTMLInputElement>('proof-pubkey-file').files?.[0] ?? null;
    const witnessKeys = Array.from(byId<HTMLInputElement>('witness-files').files ?? []);
    byId('proof-checks').replaceChildren();
    showRecord(null);
    byId('proof-scope').textContent = '';
    if (!proof || !publicKey) {
      showVerdictView(result, {
        status: 'cannot',
        detail: !proof
          ? 'Choose or drop the .tlog-proof file to verify.'
          : 'Choose the log’s public key (PEM or C2SP verifier key) to verify the proof with.',
        reason: 'input',
      });
      return;
    }
    button.disabled = true;
    showVerdictView(result, { status: 'running', detail: 'Verifying the proof…' });
    // Without witness keys the (hidden) quorum field is not asked, so whatever it still holds is not read.
    const quorum = witnessKeys.length ? byId<HTMLInputElement>('quorum').value : '';
    verifyProofFiles({ proof, publicKey, witnessKeys, quorum })
      .then((run) => showOutcome(run, witnessKeys.length))
      .catch((error: unknown) =>
        showVerdictView(result, { status: 'cannot', detail: cannotVerifyText(error), reason: 'input' }),
      )
      .finally(() => (button.disabled = false));
  });
}
