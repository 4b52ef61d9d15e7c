// The audit log section: segments chosen or dropped (a directory too), the chain's verdict, and
// the timeline of what the intact part of the log says happened.
import { verifyAuditFiles, type AuditChainResult } from './audit-chain.js';
import { byId, el, onDrop } from './dom.js';
import { cannotVerifyText } from './input-problems.js';
import { renderTimeline, type TimelineInput } from './timeline.js';
import { plural, showVerdictView } from './verdict.js';

/** Files of a drop, walking dropped directories (one level of nesting is what a log directory has, but any depth works). */
async function droppedFiles(items: DataTransferItemList): Promise<File[]> {
  const files: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      files.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  const entries = Array.from(items)
    .map((item) => item.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  for (const entry of entries) await walk(entry);
  return files;
}

/** What this run checked and what it could not, in plain words. */
function scopeNotes(r: AuditChainResult, vkeyName: string | null): string[] {
  const notes = [
    'Checked: every record’s hash, the prev links across segments, seq without gaps, non-decreasing ts, unique ids, and the sidecars given.',
  ];
  const s = r.sealing;
  if (!vkeyName) {
    notes.push(
      'No verification key: the chain is checked on its own, so whoever can write the log could have rewritten it from seq 0 undetected.',
    );
  } else if (s) {
    notes.push(
      `Epoch seals checked with ${vkeyName}: ${plural(s.epochsSealed, 'epoch')} sealed in order with valid tags${s.unsealedTail ? `; the last ${s.unsealedTail} record${s.unsealedTail === 1 ? ' is' : 's are'} in an epoch not sealed yet (only the chain covers them)` : ''}.`,
    );
    if (s.stale)
      notes.push(
        `Stale: the last seal is ${s.epochsBehind} epochs behind this computer's clock — the writer stopped, or the end of the log was cut.`,
      );
  }
  notes.push(
    'Not checked: records removed from the end of the log (compare the last hash with a checkpoint or anchor kept elsewhere).',
  );
  if (r.ignored.length)
    notes.push(
      `Ignored ${plural(r.ignored.length, 'file')} that ${r.ignored.length === 1 ? 'is' : 'are'} no part of a log: ${r.ignored.slice(0, 5).join(', ')}${r.ignored.length > 5 ? '…' : ''}.`,
    );
  return notes;
}

/** Why an intact chain is weaker than it sounds (each turns the verdict amber), most serious first. */
export function auditCaveats(r: AuditChainResult, vkeyName: string | null): string[] {
  const caveats: string[] = [];
  const critical = r.events.filter((e) => e.severity === 'critical');
  if (critical.length) {
    const types = new Map<string, number>();
    for (const e of critical) types.set(e.type, (types.get(e.type) ?? 0) + 1);
    const list = [...types].map(([type, n]) => `${type} ×${n}`).join(', ');
    caveats.push(
      `${plural(critical.length, 'critical event')} in the log (${list}): the log is intact, what it records is not all well.`,
    );
  }
  const s = r.sealing;
  if (s?.stale)
    caveats.push(
      `Stale: the last epoch seal is ${plural(s.epochsBehind, 'epoch')} behind this computer’s clock — the writer stopped, or the end of the log was cut.`,
    );
  if (!vkeyName)
    caveats.push(
      'Unauthenticated: no verification key was given, so only the hash chain was checked — whoever can write the log could have rewritten it from the start.',
    );
  else if (s && s.unsealedTail > 0)
    caveats.push(
      `Unsealed tail: the last ${plural(s.unsealedTail, 'record')} ${s.unsealedTail === 1 ? 'is' : 'are'} in an epoch not sealed yet, covered by the hash chain only.`,
    );
  return caveats;
}

/** A timeline drawn at the width it has, and again when that changes (a rotated phone, a resized window). */
function responsiveTimeline(): (input: TimelineInput) => void {
  const timeline = byId('audit-timeline');
  let drawn: TimelineInput | null = null;
  let drawnWidth = 0;
  const draw = (input: TimelineInput) => {
    drawn = input;
    drawnWidth = timeline.clientWidth;
    renderTimeline(timeline, input);
  };
  new ResizeObserver(() => {
    if (drawn && Math.abs(timeline.clientWidth - drawnWidth) >= 8) draw(drawn);
  }).observe(timeline);
  return draw;
}

/** The verdict, what was checked, the timeline and the failure events of one run. */
function showAuditResult(
  r: AuditChainResult,
  vkeyName: string | null,
  drawTimeline: (input: TimelineInput) => void,
): void {
  const result = byId('audit-result');
  if (r.intact)
    showVerdictView(result, { status: 'ok', detail: `Intact: ${r.summary}.`, caveats: auditCaveats(r, vkeyName) });
  else
    showVerdictView(result, {
      status: 'failed',
      detail: `${r.summary.charAt(0).toUpperCase()}${r.summary.slice(1)}.`,
      reason: r.firstError?.reason ?? null,
    });
  byId('audit-scope').textContent = scopeNotes(r, vkeyName).join(' ');
  byId('audit-figure').hidden = false;
  drawTimeline({ events: r.events, breakLabel: r.firstError ? r.summary : null });
  const failures = r.events.filter((e) => e.failure);
  const caption = byId('audit-caption');
  caption.replaceChildren(
    el(
      'span',
      `Events by severity over time (${plural(r.records, 'intact record')}${r.intact ? '' : ', up to the break'}). ✗ marks failure events${r.intact ? '' : '; the red line marks where the chain breaks'}.`,
    ),
  );
  if (failures.length) {
    const list = el('ul', undefined, 'failure-list');
    for (const f of failures.slice(0, 20))
      list.append(el('li', `seq ${f.seq} · ${new Date(f.ms).toISOString()} · ${f.type} (${f.severity})`));
    if (failures.length > 20) list.append(el('li', `… and ${failures.length - 20} more`));
    caption.append(list);
  }
}

/** Choosing or dropping segments (a directory too): the files to verify, or null for the input's. */
function trackDrops(input: HTMLInputElement, result: HTMLElement): () => File[] | null {
  const drop = byId('audit-drop');
  let dropped: File[] | null = null;
  input.addEventListener('change', () => (dropped = null));
  onDrop(drop, (data) => {
    droppedFiles(data.items).then(
      (files) => {
        dropped = files;
        showVerdictView(result, {
          status: 'idle',
          detail: `${plural(files.length, 'file')} dropped; press Verify audit log.`,
        });
      },
      (error: unknown) =>
        showVerdictView(result, {
          status: 'cannot',
          detail: `The dropped files cannot be read: ${String(error)}`,
          reason: 'input',
        }),
    );
  });
  return () => dropped;
}

export function setUpAuditSection(): void {
  const form = byId<HTMLFormElement>('audit-form');
  const input = byId<HTMLInputElement>('audit-files');
  const result = byId('audit-result');
  const button = byId<HTMLButtonElement>('verify-audit');
  const drawTimeline = responsiveTimeline();
  const dropped = trackDrops(input, result);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const files = dropped() ?? Array.from(input.files ?? []);
    if (files.length === 0) {
      showVerdictView(result, {
        status: 'cannot',
        detail: 'Choose or drop the segments of an audit log.',
        reason: 'input',
      });
      return;
    }
    button.disabled = true;
    byId('audit-scope').textContent = '';
    showVerdictView(result, { status: 'running', detail: 'Verifying the audit log…' });
    const vkeyFile = byId<HTMLInputElement>('vkey-file').files?.[0] ?? null;
    (vkeyFile ? vkeyFile.text() : Promise.resolve(null))
      .then((vkey) => verifyAuditFiles(files, vkey))
      .then((r) => showAuditResult(r, vkeyFile?.name ?? null, drawTimeline))
      .catch((error: unknown) => {
        // An unusable verification key is the person's to fix; anything else is a bug, said as such.
        showVerdictView(result, {
          status: 'cannot',
          detail: cannotVerifyText(error, `The verification key ${vkeyFile?.name ?? ''} cannot be used: `),
          reason: 'input',
        });
      })
      .finally(() => (button.disabled = false));
  });
}
