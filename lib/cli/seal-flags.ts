// The options of `vram-residency seal`, as commander builds them from the command's declarations
// (commands/seal.ts): one interface shared by the command and its signed-model path.

/** `seal`'s options (flag → camelCase member; defaults as declared on the command). */
export interface SealFlags {
  device: string;
  simulate?: boolean;
  simulatedCapacity: string;
  tokenEnv: string;
  tokenFile?: string;
  workerId?: string;
  modelRef?: string;
  expectSha256?: string;
  leafSize: string;
  auditDir: string;
  out?: string;
  signKey?: string;
  bundleOut?: string;
  modelSig?: string;
  modelPubkey?: string;
  hold?: boolean;
  interval: string;
  samples: string;
  json?: boolean;
}
