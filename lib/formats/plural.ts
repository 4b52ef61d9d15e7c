// Counted nouns in messages people read: "1 record", "2 records" (never "1 records" or "file(s)").

/** `n` and the noun in the right number: plural(1, 'record') is "1 record", plural(3, 'leaf', 'leaves') "3 leaves". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
