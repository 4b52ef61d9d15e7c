// Words and units the CLI prints: counted nouns ("1 segment", "2 segments") and sizes in binary
// units (KiB, MiB, GiB), the same the verifier page shows.

/** "1 record", "2 records", "1,024 records". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export { humanBytes } from '../formats/human-bytes.js';
