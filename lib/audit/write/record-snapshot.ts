// What emit() keeps of an accepted event until the write loop serialises and hashes it: a copy of
// its data that later changes by the caller cannot reach, and an upper bound of the record line's
// UTF-8 size, so the queue bounds and the record size limit hold before the line exists.
import { InvalidAuditEventError } from '../../errors.js';
import type { Severity } from '../format/events.js';

/**
 * Bytes of a record line besides the data member and the texts of service, type and severity:
 * `{"v":1,"seq":,"id":"","ts":"","service":"","type":"","severity":"","data":,"prev":"","hash":""}`
 * plus LF, a 36-character id, a 24-character ts, 64-hex prev and hash, and up to 16 digits of seq.
 */
const LINE_FRAME_BYTES = 96 + 36 + 24 + 64 + 64 + 16;

/**
 * An upper bound of the UTF-8 bytes JSON.stringify writes for a validated string: every UTF-16
 * unit takes at most 3 bytes (validation refuses the controls and lone surrogates that would be
 * written as 6-byte `\uXXXX` escapes; `"` `\` TAB LF CR take 2), plus the quotes.
 */
const stringBound = (s: string): number => 3 * s.length + 2;

/** A safe integer is at most 17 characters (`-9007199254740991`); `false` and `null` 5 and 4. */
const SCALAR_BOUND = 17;

export interface DataSnapshot {
  data: Record<string, unknown>;
  /** Upper bound of the UTF-8 bytes of the whole record line. */
  lineBound: number;
}

/**
 * Copies validated event data for a later serialisation and bounds the line it will make. Flat
 * data (scalars and arrays of scalars, as every catalogue event has) is copied member by member;
 * anything nested is copied through its JSON text, whose size is then exact.
 */
export function snapshotData(
  data: Record<string, unknown>,
  service: string,
  type: string,
  severity: Severity,
  maxRecordBytes: number,
): DataSnapshot {
  const frame = LINE_FRAME_BYTES + service.length + type.length + severity.length;
  const copy: Record<string, unknown> = {};
  let bound = 2; // {}
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    const v = data[key];
    if (v === undefined) continue;
    bound += key.length + 4; // "key": and a comma (names are ASCII: validated snake_case)
    if (typeof v === 'string') bound += stringBound(v);
    else if (v === null || typeof v !== 'object') bound += SCALAR_BOUND;
    else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) {
      bound += 2;
      for (const x of v) bound += (typeof x === 'string' ? stringBound(x) : SCALAR_BOUND) + 1;
      copy[key] = v.slice();
      continue;
    } else return nestedSnapshot(data, frame, maxRecordBytes);
    copy[key] = v;
  }
  if (frame + bound > maxRecordBytes) return nestedSnapshot(data, frame, maxRecordBytes);
  return { data: copy, lineBound: frame + bound };
}

/** Nested (or possibly oversized) data: its JSON text is both the copy and the exact data size. */
function nestedSnapshot(data: Record<string, unknown>, frame: number, maxRecordBytes: number): DataSnapshot {
  const json = JSON.stringify(data);
  const lineBound = frame + Buffer.byteLength(json);
  if (lineBound > maxRecordBytes)
    throw new InvalidAuditEventError('data', `the record would be ${lineBound} bytes; the limit is ${maxRecordBytes}`);
  return { data: JSON.parse(json) as Record<string, unknown>, lineBound };
}
