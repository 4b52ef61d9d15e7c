// in-toto Statement v1 payloads (SPEC §5), browser-safe: the seal attestation's statement built
// from a seal record, and any statement read back from signed payload bytes.
import { assertObject } from '../formats/args.js';
import { MalformedSealError } from '../errors.js';
import { strictJsonProblem } from '../formats/strict-json.js';
import type { SealRecord } from '../formats/seal-record.js';
import { validateSealRecord } from '../seal/record.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SEAL_PREDICATE_TYPE = 'urn:vram-residency:seal:v1';

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

function malformed(message: string): never {
  throw new MalformedSealError(`statement: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Decodes signed payload bytes into a statement of the expected predicate type (shape only). */
export function parseStatement(payload: Uint8Array, predicateType: string): Statement {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
    value = JSON.parse(text);
  } catch (error) {
    return malformed(`the payload is not UTF-8 JSON (${(error as Error).message})`);
  }
  // One reading for every reader: a member named twice could verify here and mean another thing elsewhere.
  const problem = strictJsonProblem(text);
  if (problem) malformed(problem);
  if (!isObject(value)) malformed('must be a JSON object');
  if (value._type !== STATEMENT_TYPE) malformed(`_type must be "${STATEMENT_TYPE}"`);
  if (value.predicateType !== predicateType)
    malformed(`predicateType must be "${predicateType}", got ${JSON.stringify(value.predicateType)?.slice(0, 80)}`);
  const subject = value.subject;
  if (!Array.isArray(subject) || subject.length !== 1) malformed('must have exactly one subject');
  const s = subject[0];
  if (!isObject(s) || typeof s.name !== 'string' || !isObject(s.digest))
    malformed('subject must have a name and a digest object');
  for (const v of Object.values(s.digest)) if (typeof v !== 'string') malformed('subject digests must be strings');
  if (!isObject(value.predicate)) malformed('predicate must be an object');
  return value as unknown as Statement;
}

/** The seal attestation statement of a record (SPEC §5); the record must carry contentSha256. */
export function sealStatement(record: SealRecord): Statement {
  assertObject(record, 'record');
  if (record.contentSha256 === null) {
    throw new MalformedSealError("a seal attestation needs the record's contentSha256 (seal with SHA-256 enabled)");
  }
  return {
    _type: STATEMENT_TYPE,
    subject: [
      {
        name: record.modelRef ?? record.shardId,
        digest: { sha256: record.contentSha256, 'mth-sha256': record.digest },
      },
    ],
    predicateType: SEAL_PREDICATE_TYPE,
    predicate: record as unknown as Record<string, unknown>,
  };
}

/** The seal record a statement carries, after every SPEC §3 rule and the subject's agreement with it. */
export function sealRecordOf(statement: Statement): SealRecord {
  if (Object.keys(statement).length !== 4)
    malformed('must have exactly the members _type, subject, predicateType, predicate');
  const record = validateSealRecord(statement.predicate);
  if (record.contentSha256 === null) malformed('the sealed record has no contentSha256');
  const expected = sealStatement(record).subject[0]!;
  const subject = statement.subject[0]!;
  const digestKeys = Object.keys(subject.digest).sort().join(',');
  if (
    Object.keys(subject).length !== 2 ||
    subject.name !== expected.name ||
    digestKeys !== 'mth-sha256,sha256' ||
    subject.digest.sha256 !== expected.digest.sha256 ||
    subject.digest['mth-sha256'] !== expected.digest['mth-sha256']
  ) {
    malformed('the subject disagrees with the seal record (name, sha256 or mth-sha256)');
  }
  return record;
}
