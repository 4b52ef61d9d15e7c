// The audit log section: segments chosen or dropped (a directory too), the chain's verdict, and
// the timeline of what the intact part of the log says happened.
import { verifyAuditFiles, type AuditChainResult } from './audit-chain.js';
import { byId, el, showVerdict } from './dom.js';
import { renderTimeline } from './timeline.js';

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
      `Epoch seals checked with ${vkeyName}: ${s.epochsSealed} epoch${s.epochsSealed === 1 ? '' : 's'} sealed in order with valid tags${s.unsealedTail ? `; the last ${s.unsealedTail} record${s.unsealedTail === 1 ? ' is' : 's are'} in an epoch not sealed yet (only the chain covers them)` : ''}.`,
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
      `Ignored ${r.ignored.length} file(s) that are no part of a log: ${r.ignored.slice(0, 5).join(', ')}${r.ignored.length > 5 ? '…' : ''}.`,
    );
  return notes;
}

export function setUpAuditSection(): void {
  const form = byId<HTMLFormElement>('audit-form');
  const input = byId<HTMLInputElement>('audit-files');
  const drop = byId('audit-drop');
  const result = byId('audit-result');
  const button = byId<HTMLButtonElement>('verify-audit');
  let dropped: File[] | null = null;

  input.addEventListener('change', () => (dropped = null));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    if (!e.dataTransfer) return;
    droppedFiles(e.dataTransfer.items).then(
      (files) => {
        dropped = files;
        showVerdict(result, 'idle', `${files.length} files dropped; press Verify audit log.`);
      },
      (error: unknown) => showVerdict(result, 'failed', `Cannot read the dropped files: ${String(error)}`, 'input'),
    );
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const files = dropped ?? Array.from(input.files ?? []);
    if (files.length === 0) {
      showVerdict(result, 'failed', 'Cannot verify — choose or drop the segments of an audit log.', 'input');
      return;
    }
    button.disabled = true;
    byId('audit-scope').textContent = '';
    showVerdict(result, 'running', 'Verifying the audit log…');
    const vkeyFile = byId<HTMLInputElement>('vkey-file').files?.[0] ?? null;
    (vkeyFile ? vkeyFile.text() : Promise.resolve(null))
      .then((vkey) => verifyAuditFiles(files, vkey))
      .then((r) => {
        const notes = scopeNotes(r, vkeyFile?.name ?? null);
        if (r.intact) showVerdict(result, 'ok', `Intact: ${r.summary}.`);
        else showVerdict(result, 'failed', `Failed — ${r.summary}.`, r.firstError?.reason ?? null);
        byId('audit-scope').textContent = notes.join(' ');
        const figure = byId('audit-figure');
        figure.hidden = false;
        renderTimeline(byId('audit-timeline'), { events: r.events, breakLabel: r.firstError ? r.summary : null });
        const failures = r.events.filter((e) => e.failure);
        const caption = byId('audit-caption');
        caption.replaceChildren(
          el(
            'span',
            `Events by severity over time (${r.records} intact records${r.intact ? '' : ', up to the break'}). ✗ marks failure events${r.intact ? '' : '; the red line marks where the chain breaks'}.`,
          ),
        );
        if (failures.length) {
          const list = el('ul', undefined, 'failure-list');
          for (const f of failures.slice(0, 20))
            list.append(el('li', `seq ${f.seq} · ${new Date(f.ms).toISOString()} · ${f.type} (${f.severity})`));
          if (failures.length > 20) list.append(el('li', `… and ${failures.length - 20} more`));
          caption.append(list);
        }
      })
      .catch((error: unknown) => {
        // An unusable verification key is the user's to fix (E_ARG / E_KEY); anything else is a bug.
        const code = (error as { code?: unknown } | null)?.code;
        const text = error instanceof Error ? error.message : String(error);
        showVerdict(
          result,
          'failed',
          code === 'E_ARG' || code === 'E_KEY'
            ? `Cannot verify — the verification key: ${text}`
            : `Cannot verify — unexpected error: ${text}`,
          'input',
        );
      })
      .finally(() => (button.disabled = false));
  });
}
