// What the fleet code needs to read from a record line it did not write: enough to place it in
// a chain. Full SPEC §4 checks are the verifier's.
export interface RecordPlace {
  seq: number;
  hash: string;
  service: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** seq, hash and service of a record line, or null when the bytes are not an audit record. */
export function recordAt(line: Uint8Array): RecordPlace | null {
  let rec: { seq?: unknown; hash?: unknown; service?: unknown };
  try {
    rec = JSON.parse(Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8'));
  } catch {
    return null;
  }
  if (rec === null || typeof rec !== 'object') return null;
  if (!Number.isSafeInteger(rec.seq) || (rec.seq as number) < 0) return null;
  if (typeof rec.hash !== 'string' || !HEX64.test(rec.hash) || typeof rec.service !== 'string') return null;
  return { seq: rec.seq as number, hash: rec.hash, service: rec.service };
}
