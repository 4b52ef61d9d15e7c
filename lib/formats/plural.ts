// Counted nouns in messages people read: "1 record", "2 records" (never "1 records" or "file(s)").

/** `n` and the noun in the right number: plural(1, 'record') is "1 record", plural(3, 'leaf', 'leaves') "3 leaves". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${groupThousands(n)} ${n === 1 ? one : many}`;
}

/**
 * 1234567 → "1,234,567", as toLocaleString('en-US') writes integers, without it: its first call
 * loads ICU's number formatting, about 40 ms of a CLI run that prints one count.
 */
export function groupThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3)
    out = digits.slice(Math.max(0, end - 3), end) + (out ? ',' + out : '');
  return n < 0 ? '-' + out : out;
}
