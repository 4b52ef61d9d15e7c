// Checkpoint notes (SPEC §6) on the fleet side: the shipper publishes the ones the writer leaves
// in DIR/checkpoints/<12-digit size>.note, and the stream verifier checks their claim (origin,
// size, hash of record size − 1) against the chain. Signatures are the sealing verifier's job.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CheckpointClaim {
  size: number;
  /** Hex hash of the record at seq size − 1. */
  hash: string;
  text: string;
}

const ORIGIN_PREFIX = 'vram-residency.audit.v1/';

/** The note's claim, or a sentence saying why it is not a checkpoint of this service. */
export function checkpointClaim(note: string, service: string): CheckpointClaim | string {
  const lines = note.split('\n');
  if (lines.length < 5 || lines[3] !== '') return 'not a signed note (origin, size, hash, empty line, signatures)';
  if (lines[0] !== ORIGIN_PREFIX + service)
    return `origin "${lines[0]!.slice(0, 80)}" is not ${ORIGIN_PREFIX}${service}`;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(lines[1]!) || !Number.isSafeInteger(Number(lines[1])) || Number(lines[1]) < 1)
    return 'size is not a positive decimal integer';
  const raw = /^[A-Za-z0-9+/]{43}=$/.test(lines[2]!) ? Buffer.from(lines[2]!, 'base64') : null;
  if (raw?.length !== 32) return 'hash is not base64 of 32 bytes';
  if (!lines.slice(4).some((l) => l.startsWith('— '))) return 'carries no signature line';
  return { size: Number(lines[1]), hash: raw.toString('hex'), text: note };
}

const NOTE_FILE = /^(\d{12})\.note$/;

/** Notes in DIR/checkpoints with after < size <= upTo, oldest first. */
export function pendingCheckpoints(dir: string, after: number, upTo: number): { size: number; bytes: Buffer }[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, 'checkpoints'));
  } catch {
    return []; // no checkpoints configured
  }
  return names
    .map((n) => ({ n, m: NOTE_FILE.exec(n) }))
    .filter((x) => x.m && Number(x.m[1]) > after && Number(x.m[1]) <= upTo)
    .map((x) => ({ size: Number(x.m![1]), bytes: readFileSync(join(dir, 'checkpoints', x.n)) }))
    .sort((a, b) => a.size - b.size);
}
