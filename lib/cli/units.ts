// Words and units the CLI prints: counted nouns ("1 segment", "2 segments") and sizes in binary
// units (KiB, MiB, GiB), the same the verifier page shows.

/** "1 record", "2 records", "1,024 records". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** 512 B, 64.0 KiB, 1.0 GiB. */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
