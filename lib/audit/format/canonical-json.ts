// RFC 8785 JSON Canonicalization Scheme for the values an audit record may hold: strings,
// safe integers, booleans, null, arrays and plain objects. Floats are refused because the
// format has none, so number serialisation is just the shortest base-10 form of an integer.
// Strings are escaped exactly as ECMAScript JSON.stringify does, which RFC 8785 §3.2.2.2 adopts;
// members are sorted by UTF-16 code units, which is what Array.prototype.sort does by default.
import { InvalidArgumentError } from '../../errors.js';

/** A value an audit record cannot hold (a float or unsafe integer, undefined, a function…). */
/** A value RFC 8785 / the audit format cannot represent (E_ARG, argument "value"). */
export class CanonicalJsonError extends InvalidArgumentError {
  constructor(message: string) {
    super('value', message);
    this.name = 'CanonicalJsonError';
  }
}

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
  keys: string[];
  quoted: string[];
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
    shape = { keys: sorted, quoted: sorted.map((k) => JSON.stringify(k) + ':') };
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(sig, shape);
  }
  recent.unshift({ names: keys, shape });
  if (recent.length > 8) recent.pop();
  return shape;
}
