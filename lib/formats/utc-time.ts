// The one timestamp form of every format here (SPEC §3 sealedAt, §4 ts): UTC with milliseconds,
// naming a real instant. Date.parse alone would roll 2023-02-30 over into March.
const UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// Events of one burst carry the same timestamp: the last one that passed needs no second Date.
let lastValid = '1970-01-01T00:00:00.000Z'; // a valid one: never the empty string

export function isUtcMillis(v: unknown): v is string {
  if (v === lastValid) return true;
  if (typeof v !== 'string' || !UTC_MILLIS.test(v)) return false;
  const date = new Date(v);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== v) return false;
  lastValid = v;
  return true;
}
