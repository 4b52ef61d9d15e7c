// Small DOM helpers shared by the page's sections.

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** An element with text content (never HTML: file names and record fields are untrusted). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export type Verdict = 'idle' | 'running' | 'ok' | 'failed';

/** A result element: data-status for automation, data-reason for the SPEC reason, text for people. */
export function showVerdict(target: HTMLElement, status: Verdict, text: string, reason: string | null = null): void {
  target.dataset.status = status;
  if (reason) target.dataset.reason = reason;
  else delete target.dataset.reason;
  target.textContent = text;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}
