// The audit log section: segments chosen or dropped (a directory too), the chain's verdict, and
// the timeline of what the intact part of the log says happened.
import { verifyAuditFiles } from './audit-chain.js';
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
  const entries = Array.from(items).map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  for (const entry of entries) await walk(entry);
  return files;
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
    droppedFiles(e.dataTransfer.items).then((files) => {
      dropped = files;
      showVerdict(result, 'idle', `${files.length} files dropped; press Verify audit log.`);
    }, (error: unknown) => showVerdict(result, 'failed', `Cannot read the dropped files: ${String(error)}`, 'input'));
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
    verifyAuditFiles(files)
      .then((r) => {
        const vkey = byId<HTMLInputElement>('vkey-file').files?.[0];
        const notes = [
          'Checked: every record’s hash, the prev links across segments, seq without gaps, non-decreasing ts, unique ids, and the sidecars given.',
          'Not checked: records removed from the end (compare the last hash with one kept elsewhere).',
        ];
        if (vkey) notes.push(`Epoch seals were NOT checked: this build of the page cannot use ${vkey.name} yet.`);
        if (r.ignored.length) notes.push(`Ignored ${r.ignored.length} file(s) that are not segments: ${r.ignored.slice(0, 5).join(', ')}${r.ignored.length > 5 ? '…' : ''}.`);
        if (r.intact) showVerdict(result, 'ok', `Intact: ${r.summary}.`);
        else showVerdict(result, 'failed', `Failed — ${r.summary}.`, r.firstError?.reason ?? null);
        byId('audit-scope').textContent = notes.join(' ');
        const figure = byId('audit-figure');
        figure.hidden = false;
        renderTimeline(byId('audit-timeline'), { events: r.events, breakLabel: r.firstError ? r.summary : null });
        const failures = r.events.filter((e) => e.failure);
        const caption = byId('audit-caption');
        caption.replaceChildren(el('span', `Events by severity over time (${r.records} intact records${r.intact ? '' : ', up to the break'}). ✗ marks failure events${r.intact ? '' : '; the red line marks where the chain breaks'}.`));
        if (failures.length) {
          const list = el('ul', undefined, 'failure-list');
          for (const f of failures.slice(0, 20)) list.append(el('li', `seq ${f.seq} · ${new Date(f.ms).toISOString()} · ${f.type} (${f.severity})`));
          if (failures.length > 20) list.append(el('li', `… and ${failures.length - 20} more`));
          caption.append(list);
        }
      })
      .catch((error: unknown) => showVerdict(result, 'failed', `Cannot verify — unexpected error: ${String(error)}`, 'input'))
      .finally(() => (button.disabled = false));
  });
}
