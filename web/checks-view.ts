// The ordered list of checks with a clear passed / failed / not checked for each, and why.
import { el } from './dom.js';

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'pending';

export interface CheckSpec {
  id: string;
  title: string;
  /** The SPEC reason this check fails with. */
  reason: string;
}

export interface CheckOutcome {
  status: CheckStatus;
  detail: string;
}

const WORDS: Record<CheckStatus, string> = { pass: 'passed', fail: 'failed', skip: 'not checked', pending: 'pending' };
const MARKS: Record<CheckStatus, string> = { pass: '✓', fail: '✗', skip: '–', pending: '…' };

export function renderChecks(
  list: HTMLOListElement,
  specs: readonly CheckSpec[],
  outcomes: ReadonlyMap<string, CheckOutcome>,
): void {
  list.replaceChildren(
    ...specs.map((spec) => {
      const outcome = outcomes.get(spec.id) ?? { status: 'pending', detail: '' };
      const item = el('li', undefined, `check check-${outcome.status}`);
      item.dataset.check = spec.id;
      item.dataset.status = outcome.status;
      const mark = el('span', MARKS[outcome.status], 'mark');
      mark.setAttribute('aria-hidden', 'true');
      const head = el('span', undefined, 'check-head');
      head.append(el('strong', spec.title), el('span', ` — ${WORDS[outcome.status]}`, 'word'));
      item.append(mark, head);
      if (outcome.detail) item.append(el('span', outcome.detail, 'detail'));
      return item;
    }),
  );
}

/**
 * Outcomes for checks run in order that stop at the first failure: everything before `failedId`
 * passed, it failed, everything after was not reached. `skipped` overrides with its own reasons.
 */
export function outcomesUpTo(
  specs: readonly CheckSpec[],
  failedId: string | null,
  failDetail: string,
  skipped: ReadonlyMap<string, string> = new Map(),
): Map<string, CheckOutcome> {
  const outcomes = new Map<string, CheckOutcome>();
  let reached = true;
  for (const spec of specs) {
    const skipReason = skipped.get(spec.id);
    if (!reached) outcomes.set(spec.id, { status: 'skip', detail: 'not reached: an earlier check failed' });
    else if (spec.id === failedId) {
      outcomes.set(spec.id, { status: 'fail', detail: failDetail });
      reached = false;
    } else if (skipReason !== undefined) outcomes.set(spec.id, { status: 'skip', detail: skipReason });
    else outcomes.set(spec.id, { status: 'pass', detail: '' });
  }
  return outcomes;
}
