// Identifier and hex patterns shared by seal records, audit records and the APIs that take them.
// Messages quote the pattern itself (patternRule), so text and rule cannot drift apart.

/** SPEC §3 shardId. */
export const SHARD_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** SPEC §3 workerId and SPEC §4 service: the same identifier rule. */
export const WORKER_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const SERVICE_PATTERN = WORKER_ID_PATTERN;
/** A SHA-256 (digest, MAC, record hash) in lowercase hex. */
export const HEX64_PATTERN = /^[0-9a-f]{64}$/;
/** A key id (kid) in lowercase hex. */
export const HEX16_PATTERN = /^[0-9a-f]{16}$/;

/** "must match ^…$": the rule as users read it, built from the pattern. */
export function patternRule(pattern: RegExp): string {
  return `must match ${pattern.source}`;
}
