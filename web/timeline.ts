// An SVG timeline of audit events: one lane per severity, events binned by time (so a million
// records draw as fast as ten), failure events marked one by one, and the place where the chain
// breaks drawn as a labelled line. Shapes and labels, not colour alone, carry the meaning.
import type { Severity } from '../dist/audit/format/events.js';
import type { AuditEventPoint } from './audit-chain.js';

import { timeTicks } from './time-ticks.js';

const NS = 'http://www.w3.org/2000/svg';
/** Drawn at the container's own width (labels stay 12 px at any window width), within these bounds. */
const MIN_WIDTH = 300;
const MAX_WIDTH = 1000;
const LANE = 46;
const LEFT = 78;
const RIGHT = 12;
const TOP = 24;
const BINS = 120;
const MAX_FAILURE_MARKS = 400;
const LANES: readonly Severity[] = ['critical', 'warning', 'info'];

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface TimelineInput {
  events: readonly AuditEventPoint[];
  /** Where the chain broke, when it did: drawn after the last intact event. */
  breakLabel: string | null;
}

export function renderTimeline(target: HTMLElement, input: TimelineInput): void {
  const { events } = input;
  const width = Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, target.clientWidth || 800)));
  const height = TOP + LANES.length * LANE + 34;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    class: 'timeline',
  });
  const counts = LANES.map((s) => events.filter((e) => e.severity === s).length);
  const failures = events.filter((e) => e.failure);
  root.append(
    svg(
      'title',
      {},
      `Audit events over time: ${counts.map((c, i) => `${c} ${LANES[i]}`).join(', ')}; ${failures.length} failure events${input.breakLabel ? `; ${input.breakLabel}` : ''}`,
    ),
  );
  const first = events.length ? events[0]!.ms : 0;
  const last = events.length ? events[events.length - 1]!.ms : 1;
  const span = Math.max(1, last - first);
  const plotWidth = width - LEFT - RIGHT - (input.breakLabel ? 24 : 0);
  const x = (ms: number) => LEFT + ((ms - first) / span) * plotWidth;
  const binCount = Math.max(20, Math.min(BINS, Math.floor(plotWidth / 4)));

  LANES.forEach((severity, lane) => {
    const y0 = TOP + lane * LANE;
    root.append(
      svg('rect', {
        x: LEFT,
        y: y0 + 4,
        width: width - LEFT - RIGHT,
        height: LANE - 8,
        class: `lane lane-${severity}`,
      }),
      svg(
        'text',
        { x: LEFT - 8, y: y0 + LANE / 2 + 4, 'text-anchor': 'end', class: 'lane-label' },
        `${severity} (${counts[lane]})`,
      ),
    );
    const bins = new Array<number>(binCount).fill(0);
    for (const e of events)
      if (e.severity === severity) bins[Math.min(binCount - 1, Math.floor(((e.ms - first) / span) * binCount))]!++;
    const peak = Math.max(1, ...bins);
    bins.forEach((n, i) => {
      if (n === 0) return;
      const h = Math.max(3, (Math.log1p(n) / Math.log1p(peak)) * (LANE - 24)); // the lane's top strip is for failure marks
      const bx = LEFT + (i / binCount) * plotWidth;
      root.append(
        svg('rect', {
          x: bx,
          y: y0 + LANE - 6 - h,
          width: Math.max(2, plotWidth / binCount - 1),
          height: h,
          class: `bar bar-${severity}`,
        }),
      );
    });
  });

  appendFailureMarks(root, failures, x);

  if (input.breakLabel) {
    const bx = width - RIGHT - 12;
    root.append(
      svg('line', { x1: bx, x2: bx, y1: TOP - 6, y2: TOP + LANES.length * LANE, class: 'break-line' }),
      svg('text', { x: bx, y: TOP - 10, 'text-anchor': 'end', class: 'break-label' }, 'chain broken here'),
    );
  }
  if (events.length) appendTimeAxis(root, first, last, { width, plotWidth, x });
  target.replaceChildren(root);
}

/** Round time ticks under the lanes, as many as fit ~90 px apart, and the whole range in UTC below them. */
function appendTimeAxis(
  root: SVGSVGElement,
  first: number,
  last: number,
  { width, plotWidth, x }: { width: number; plotWidth: number; x: (ms: number) => number },
): void {
  const axisTop = TOP + LANES.length * LANE;
  const ticks = timeTicks(first, last, Math.max(2, Math.floor(plotWidth / 90)));
  for (const tick of ticks) {
    const tx = x(tick.ms);
    // Labels near either end are anchored inward, so none is cut off.
    const anchor = tx > width - RIGHT - 30 ? 'end' : tx < LEFT + 30 ? 'start' : 'middle';
    root.append(
      svg('line', { x1: tx, x2: tx, y1: axisTop, y2: axisTop + 5, class: 'tick' }),
      svg('text', { x: tx, y: axisTop + 17, 'text-anchor': anchor, class: 'axis' }, tick.label),
    );
  }
  root.append(svg('text', { x: LEFT, y: axisTop + 31, class: 'axis axis-range' }, ticks.rangeLabel));
}

/** A ✗ in its lane's top strip for each failure event (up to MAX_FAILURE_MARKS), with its details as a tooltip. */
function appendFailureMarks(
  root: SVGSVGElement,
  failures: readonly AuditEventPoint[],
  x: (ms: number) => number,
): void {
  for (const e of failures.slice(0, MAX_FAILURE_MARKS)) {
    const lane = LANES.indexOf(e.severity);
    const cx = x(e.ms);
    const cy = TOP + lane * LANE + 11;
    const mark = svg('g', { class: 'failure' });
    mark.append(
      svg('title', {}, `seq ${e.seq}: ${e.type} (${e.severity}) at ${new Date(e.ms).toISOString()}`),
      svg('path', { d: `M${cx - 4} ${cy - 4} L${cx + 4} ${cy + 4} M${cx + 4} ${cy - 4} L${cx - 4} ${cy + 4}` }),
    );
    root.append(mark);
  }
}
