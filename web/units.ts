// Sizes, rates and durations in the units the CLI prints: binary prefixes (KiB, MiB, GiB).

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** 512 B, 88.0 MiB, 1.00 GiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < UNITS.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${UNITS[u]}`;
}

/** A rough, rounded duration for estimates: "about 40 s", "about 3 min". */
export function formatEstimate(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}
