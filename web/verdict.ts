// The verdict a person reads first: one of three outcomes — verified, verified with caveats
// (amber: true, but weaker than it sounds), failed — with the caveats before the details; plus the
// neutral states around a run (cannot verify for input mistakes, cancelled, read speed measured).
import { el } from './dom.js';

export type VerdictStatus = 'idle' | 'running' | 'ok' | 'caveats' | 'failed' | 'cannot' | 'cancelled' | 'measured';

const HEADLINES: Record<VerdictStatus, string> = {
  idle: '',
  running: '',
  ok: 'Verified',
  caveats: 'Verified with caveats',
  failed: 'Failed',
  cannot: 'Cannot verify',
  cancelled: 'Cancelled',
  measured: 'Read speed measured — nothing was verified',
};

export interface VerdictView {
  status: VerdictStatus;
  /** What was found, in a sentence or two (never internal parameter names). */
  detail: string;
  /** Why a verified result is weaker than it sounds; each makes the verdict amber. */
  caveats?: readonly string[];
  /** The SPEC reason of a failure ('input' for a mistake in what was chosen). */
  reason?: string | null;
}

/** Renders a verdict into a result element: data-status / data-reason for automation, a headline, caveats, then details. */
export function showVerdictView(target: HTMLElement, view: VerdictView): void {
  const caveats = view.caveats ?? [];
  const status: VerdictStatus = view.status === 'ok' && caveats.length > 0 ? 'caveats' : view.status;
  target.dataset.status = status;
  if (view.reason) target.dataset.reason = view.reason;
  else delete target.dataset.reason;
  const headline = HEADLINES[status];
  const parts: HTMLElement[] = [];
  if (headline) parts.push(el('p', headline, 'headline'));
  if (caveats.length) {
    const list = el('ul', undefined, 'caveats');
    list.setAttribute('aria-label', 'Caveats');
    for (const c of caveats) list.append(el('li', c));
    parts.push(list);
  }
  parts.push(el('p', view.detail, 'verdict-detail'));
  target.replaceChildren(...parts);
}

/** "1 segment", "2 segments". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
