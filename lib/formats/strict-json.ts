// What JSON.parse forgives but a hash chain must not: a member named twice (the parse keeps the
// last, another reader may keep the first, and both verify) and numbers written in more than one
// form (1.0, 1e0 and -0 all parse to the JS value JCS hashes as 1 or 0). Runs on text that
// JSON.parse has already accepted, so the structure is known to be valid.

const CANONICAL_INTEGER = /^(0|-?[1-9][0-9]*)$/;

/** The first such problem in one line of JSON text, or null. */
export function strictJsonProblem(text: string): string | null {
  const objects: (Set<string> | null)[] = []; // one entry per open {…} (its names) or […] (null)
  let atName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (atName) {
        const name = JSON.parse(text.slice(i, j + 1)) as string;
        const names = objects[objects.length - 1]!;
        if (names.has(name)) return `member "${name.slice(0, 32)}" appears twice in one object`;
        names.add(name);
        atName = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      objects.push(new Set());
      atName = true;
    } else if (c === 0x5b /* [ */) {
      objects.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      objects.pop();
    } else if (c === 0x2c /* , */) {
      atName = objects[objects.length - 1] instanceof Set;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++;
      const token = text.slice(i, j);
      if (!CANONICAL_INTEGER.test(token))
        return `number ${token.slice(0, 32)} is not an integer in its one canonical form`;
      i = j - 1;
    }
  }
  return null;
}
