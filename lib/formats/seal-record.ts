// SPEC §3 seal record: its members, in SPEC order, and the MAC framing order. Validation is in
// lib/seal/record.ts; the MAC itself in the WASM module (lib/wasm/seal-fields.ts stages it).

export const SEAL_FORMAT = 'vram-residency.seal.v1';
export const DIGEST_ALG = 'mth-sha256';

export type SealBackend = 'cuda' | 'host-sim';

/** A seal record exactly as it is written to JSON. */
export interface SealRecord {
  format: typeof SEAL_FORMAT;
  shardId: string;
  digestAlg: typeof DIGEST_ALG;
  leafSize: number;
  size: number;
  digest: string;
  contentSha256: string | null;
  device: number;
  deviceUuid: string | null;
  backend: SealBackend;
  sealedAt: string;
  workerId: string;
  modelRef: string | null;
  shardIndex: number | null;
  shardCount: number | null;
  kid: string;
  mac: string;
}

/** Members in SPEC order: the JSON order we write, and (minus format and mac) the MAC framing order. */
export const SEAL_MEMBERS = [
  'format',
  'shardId',
  'digestAlg',
  'leafSize',
  'size',
  'digest',
  'contentSha256',
  'device',
  'deviceUuid',
  'backend',
  'sealedAt',
  'workerId',
  'modelRef',
  'shardIndex',
  'shardCount',
  'kid',
  'mac',
] as const satisfies readonly (keyof SealRecord)[];

/** SPEC §3 members in MAC order, already validated by the caller (algorithm and backend as any text). */
export type SealRecordFields = Omit<SealRecord, 'format' | 'mac' | 'digestAlg' | 'backend'> & {
  digestAlg: string;
  backend: string;
};

/** SPEC §3 MAC framing order: the members in SPEC order without `format` (framed first) and `mac`. */
export const MAC_FIELD_ORDER = SEAL_MEMBERS.slice(1, -1) as readonly Exclude<
  (typeof SEAL_MEMBERS)[number],
  'format' | 'mac'
>[] satisfies readonly (keyof SealRecordFields)[];
