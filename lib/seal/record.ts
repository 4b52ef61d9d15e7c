// SPEC §3 seal record: the type, its rules, and the one validator every reader goes through.
// No Node imports: this file also runs in browsers through `vram-residency/wasm`.
import { assertObject } from '../formats/args.js';
import { MalformedSealError } from '../errors.js';
import { MAX_LEAF_SIZE, MIN_LEAF_SIZE, isLeafSize } from '../formats/leaf-size.js';
import {
  HEX16_PATTERN as HEX16,
  HEX64_PATTERN as HEX64,
  SHARD_ID_PATTERN,
  WORKER_ID_PATTERN,
  patternRule,
} from '../formats/patterns.js';
import { DIGEST_ALG, SEAL_FORMAT, SEAL_MEMBERS, type SealRecord } from '../formats/seal-record.js';
import { isUtcMillis } from '../formats/utc-time.js';
import { isWellFormedText } from '../formats/well-formed.js';
import { strictJsonProblem } from '../formats/strict-json.js';

const PRINTABLE_ASCII_1_64 = /^[\x20-\x7e]{1,64}$/;
// C0, DEL + C1, and the bidi embedding/override/isolate controls that can disguise text.
const FORBIDDEN_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** SPEC §3 modelRef rule; returns a reason, or null when the text is acceptable. */
export function modelRefProblem(text: string): string | null {
  // 512 code points are at most 1024 UTF-16 units: refuse longer text before counting (a 100 MiB
  // modelRef spread into code points took gigabytes).
  const codePoints = text.length > 1024 ? Infinity : [...text].length;
  if (codePoints < 1 || codePoints > 512) return 'must be 1 to 512 Unicode code points';
  if (!isWellFormedText(text)) return 'must not contain lone surrogates';
  if (FORBIDDEN_TEXT.test(text)) return 'must not contain control or bidi control characters';
  return null;
}

function fail(member: string, rule: string): never {
  throw new MalformedSealError(`member "${member}" ${rule}`);
}

function checkInteger(record: Record<string, unknown>, member: string, min: number, max: number): void {
  const v = record[member];
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    fail(member, `must be an integer from ${min} to ${max}`);
  }
}

function checkNullable(
  record: Record<string, unknown>,
  member: string,
  check: (v: unknown) => boolean,
  rule: string,
): void {
  const v = record[member];
  if (v !== null && !check(v)) fail(member, `must be null or ${rule}`);
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Checks every SPEC §3 shape rule and returns the record typed. Throws MalformedSealError
 * naming the first offending member; never looks at keys or bytes.
 */
export function validateSealRecord(input: unknown): SealRecord {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new MalformedSealError('a seal record must be a JSON object');
  }
  const r = input as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!(SEAL_MEMBERS as readonly string[]).includes(key)) fail(key, 'is not a seal record member');
  }
  for (const key of SEAL_MEMBERS) {
    if (!Object.hasOwn(r, key) || r[key] === undefined) fail(key, 'is missing');
  }
  if (r.format !== SEAL_FORMAT) fail('format', `must be "${SEAL_FORMAT}"`);
  if (!isString(r.shardId) || !SHARD_ID_PATTERN.test(r.shardId)) fail('shardId', patternRule(SHARD_ID_PATTERN));
  if (r.digestAlg !== DIGEST_ALG) fail('digestAlg', `must be "${DIGEST_ALG}"`);
  if (!isLeafSize(r.leafSize)) fail('leafSize', `must be a power of two from ${MIN_LEAF_SIZE} to ${MAX_LEAF_SIZE}`);
  checkInteger(r, 'size', 1, Number.MAX_SAFE_INTEGER);
  if (!isString(r.digest) || !HEX64.test(r.digest)) fail('digest', 'must be 64 lowercase hex characters');
  checkNullable(r, 'contentSha256', (v) => isString(v) && HEX64.test(v), '64 lowercase hex characters');
  checkInteger(r, 'device', 0, 1023);
  checkNullable(
    r,
    'deviceUuid',
    (v) => isString(v) && PRINTABLE_ASCII_1_64.test(v),
    'at most 64 printable ASCII characters',
  );
  if (r.backend !== 'cuda' && r.backend !== 'host-sim') fail('backend', 'must be "cuda" or "host-sim"');
  if (!isString(r.sealedAt) || !isUtcMillis(r.sealedAt))
    fail('sealedAt', 'must be a UTC time written YYYY-MM-DDTHH:MM:SS.mmmZ');
  if (!isString(r.workerId) || !WORKER_ID_PATTERN.test(r.workerId)) fail('workerId', patternRule(WORKER_ID_PATTERN));
  if (r.modelRef !== null) {
    if (!isString(r.modelRef)) fail('modelRef', 'must be null or a string');
    const problem = modelRefProblem(r.modelRef);
    if (problem) fail('modelRef', problem);
  }
  if ((r.shardIndex === null) !== (r.shardCount === null))
    fail('shardIndex', 'and shardCount must both be null or both be set');
  if (r.shardCount !== null) {
    checkInteger(r, 'shardCount', 1, 65535);
    checkInteger(r, 'shardIndex', 0, (r.shardCount as number) - 1);
  }
  if (!isString(r.kid) || !HEX16.test(r.kid)) fail('kid', 'must be 16 lowercase hex characters');
  if (!isString(r.mac) || !HEX64.test(r.mac)) fail('mac', 'must be 64 lowercase hex characters');
  return r as unknown as SealRecord;
}

/**
 * No valid record comes near this: the longest modelRef, fully \u-escaped, is about 6 KiB. Readers
 * cap what they read here, before parsing.
 */
export const MAX_SEAL_RECORD_BYTES = 64 * 1024;

/** Parses seal record JSON text; JSON syntax errors become MalformedSealError too. */
export function parseSealRecord(text: string): SealRecord {
  if (typeof text !== 'string') throw new MalformedSealError('a seal record must be JSON text');
  if (text.length > MAX_SEAL_RECORD_BYTES)
    throw new MalformedSealError(`larger than any seal record (over ${MAX_SEAL_RECORD_BYTES} bytes)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedSealError(`not valid JSON (${(error as Error).message})`);
  }
  // What JSON.parse forgives (a member twice, 1e6, 9000.0, -0) is refused, as in the audit log.
  const problem = strictJsonProblem(text);
  if (problem !== null) throw new MalformedSealError(problem);
  return validateSealRecord(value);
}

/** The record as JSON text with members in SPEC order. */
export function serializeSealRecord(record: SealRecord): string {
  assertObject(record, 'record');
  const ordered: Record<string, unknown> = {};
  for (const key of SEAL_MEMBERS) ordered[key] = record[key];
  return JSON.stringify(ordered, null, 2) + '\n';
}
