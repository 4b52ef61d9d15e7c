// RFC 8785 JSON Canonicalization Scheme for the values an audit record may hold: strings,
// safe integers, booleans, null, arrays and plain objects. Floats are refused because the
// format has none, so number serialisation is just the shortest base-10 form of an integer.
// Strings are escaped exactly as ECMAScript JSON.stringify does, which RFC 8785 §3.2.2.2 adopts;
// members are sorted by UTF-16 code units, which is what Array.prototype.sort does by default.
import { CanonicalJsonError } from '../../errors.js';

/**
 * RFC 8785 canonical JSON of strings, safe integers, booleans, null, arrays and plain objects: the
 * form an audit record is hashed in. Throws CanonicalJsonError on anything else.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`not a safe integer: ${String(value)}`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      const order = sortedShape(keys);
      let out = '{';
      let first = true;
      for (let i = 0; i < order.keys.length; i++) {
        const v = obj[order.keys[i]!];
        // Absent optional members, as JSON.stringify drops them from the written line.
        if (v === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += order.quoted[i]! + canonicalJson(v);
      }
      return out + '}';
    }
    default:
      throw new CanonicalJsonError(`not representable in an audit record: ${typeof value}`);
  }
}

// Events of one type share their member names, so the sorted order and the quoted names are
// computed once per shape instead of sorting on every record. Bounded so free-form custom data
// cannot grow it without limit.
interface Shape {
  /** The names sorted (RFC 8785 order) and quoted with their colon. */
  keys: string[];
  quoted: string[];
  /** The names in the order the shape was seen in (an object's own order), quoted with their colon. */
  ownQuoted: string[];
  /** For each sorted position, the index of that name in the own order. */
  sortedFromOwn: number[];
  /** The own order is already sorted. */
  sorted: boolean;
}
const shapes = new Map<string, Shape>();
const MAX_SHAPES = 1024;
// The last few shapes seen, checked member by member before building a signature string.
const recent: { names: string[]; shape: Shape }[] = [];

function sameNames(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sortedShape(keys: string[]): Shape {
  for (const r of recent) if (sameNames(r.names, keys)) return r.shape;
  const sig = JSON.stringify(keys); // unambiguous: member names may contain any character
  let shape = shapes.get(sig);
  if (!shape) {
    const sorted = [...keys].sort();
    const quote = (k: string) => JSON.stringify(k) + ':';
    shape = {
      keys: sorted,
      quoted: sorted.map(quote),
      ownQuoted: keys.map(quote),
      sortedFromOwn: sorted.map((k) => keys.indexOf(k)),
      sorted: sorted.every((k, i) => k === keys[i]),
    };
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(sig, shape);
  }
  recent.unshift({ names: keys, shape });
  if (recent.length > 8) recent.pop();
  return shape;
}

/**
 * Both texts a writer needs of a record's data: its RFC 8785 form (hashed) and JSON.stringify's
 * (written, members in the object's own order). For flat data (scalars and arrays of scalars, as
 * every catalogue event has) each member is serialised once and the two texts are the same
 * members in two orders, or one text when the own order is already sorted: serialising data
 * twice was a tenth of the writer's time. Anything nested takes both serialisers.
 */
export function canonicalAndWritten(data: Record<string, unknown>): { canonical: string; written: string } {
  const keys = Object.keys(data);
  const shape = sortedShape(keys);
  const members: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const v = data[keys[i]!];
    if (v === undefined || (typeof v === 'object' && v !== null && !isScalarArray(v)))
      return { canonical: canonicalJson(data), written: JSON.stringify(data) };
    members.push(shape.ownQuoted[i]! + canonicalJson(v));
  }
  const written = '{' + members.join(',') + '}';
  if (shape.sorted) return { canonical: written, written };
  let canonical = '{';
  for (let j = 0; j < members.length; j++) canonical += (j > 0 ? ',' : '') + members[shape.sortedFromOwn[j]!]!;
  return { canonical: canonical + '}', written };
}

function isScalarArray(v: object): boolean {
  return Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object');
}
