// Round time ticks for the audit timeline: a step from a fixed ladder (1 s … 1 year) that gives
// at most `maxTicks` ticks over the span, labelled in UTC with as much of the date as the step needs.

export interface TimeTick {
  ms: number;
  label: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
  365 * DAY,
];

function label(ms: number, step: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-30T09:15:00.000Z
  if (step < MINUTE) return iso.slice(11, 19);
  if (step < DAY) return iso.slice(11, 16);
  return iso.slice(0, 10);
}

/** Ticks between `first` and `last` (ms since the epoch), plus a label naming the whole range in UTC. */
export function timeTicks(first: number, last: number, maxTicks: number): TimeTick[] & { rangeLabel: string } {
  const span = Math.max(1, last - first);
  const step = STEPS.find((s) => span / s <= maxTicks) ?? STEPS[STEPS.length - 1]!;
  const ticks: TimeTick[] = [];
  for (let ms = Math.ceil(first / step) * step; ms <= last; ms += step) ticks.push({ ms, label: label(ms, step) });
  // A span shorter than one step (a log written within a second) still gets its start.
  if (ticks.length === 0) ticks.push({ ms: first, label: label(first, SECOND) });
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const rangeLabel =
    day(first) === day(last)
      ? `${day(first)}, ${time(first)} – ${time(last)} UTC`
      : `${day(first)} ${time(first)} – ${day(last)} ${time(last)} UTC`;
  return Object.assign(ticks, { rangeLabel });
}
