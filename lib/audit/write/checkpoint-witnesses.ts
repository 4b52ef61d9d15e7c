// The writer's witnesses (SPEC §8): which witnesses cosign this log's v2 checkpoints, checked once
// at open, and one cosigning round per checkpoint that never holds up `emit()` (the checkpoint
// timer and close wait for it, each bounded in time).
import { InvalidArgumentError } from '../../errors.js';
import type { NotePublicKey } from '../format/checkpoint-note.js';
import { addSignatureLines, parseWitnessKey } from '../tlog/checkpoint.js';
import { type CosignRound, WitnessCosigner } from './witness-cosigner.js';
import { nodeSealingCrypto } from './node-crypto.js';

/** A witness the writer sends its checkpoints to. */
export interface WitnessConfig {
  /** The witness's base URL; the writer POSTs to `<url>/add-checkpoint`. */
  url: string;
  /** The witness's key name, as in its cosignature lines. */
  name: string;
  /** Its Ed25519 public key: SPKI PEM text or a C2SP verifier key (`name+keyid+base64`). */
  publicKey: string;
}

/** One checked witness list and the cosigner that asks them. */
export class CheckpointWitnesses {
  readonly #cosigner: WitnessCosigner;
  readonly quorum: number;
  readonly count: number;

  constructor(witnesses: unknown, quorum: unknown, logKey: NotePublicKey) {
    if (!Array.isArray(witnesses) || witnesses.length === 0)
      throw new InvalidArgumentError('checkpoints.witnesses', 'must be a non-empty array of { url, name, publicKey }');
    const endpoints = witnesses.map((w: WitnessConfig, i) => {
      const at = `checkpoints.witnesses[${i}]`;
      if (typeof w?.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(w.url))
        throw new InvalidArgumentError(`${at}.url`, 'must be an http:// or https:// URL');
      if (typeof w.name !== 'string' || !/^[^\s+]{1,256}$/.test(w.name))
        throw new InvalidArgumentError(`${at}.name`, 'must be 1-256 characters without spaces or "+"');
      if (typeof w.publicKey !== 'string') throw new InvalidArgumentError(`${at}.publicKey`, 'must be key text');
      const publicKey = parseWitnessKey(w.publicKey, nodeSealingCrypto.sha256, `${at}.publicKey`);
      return { url: w.url, name: w.name, publicKey };
    });
    const q = quorum ?? endpoints.length;
    if (!Number.isSafeInteger(q) || (q as number) < 0 || (q as number) > endpoints.length)
      throw new InvalidArgumentError('checkpoints.quorum', `must be an integer from 0 to ${endpoints.length}`);
    this.quorum = q as number;
    this.count = endpoints.length;
    this.#cosigner = new WitnessCosigner(endpoints, logKey, nodeSealingCrypto.sha256);
  }

  /** Ask every witness; the note comes back with the cosignatures that verified added. */
  async cosign(
    note: string,
    size: number,
    proofFrom: (m: number) => Uint8Array[] | null,
  ): Promise<{ note: string; round: CosignRound }> {
    const round = await this.#cosigner.cosign(note, size, proofFrom);
    return { note: addSignatureLines(note, round.lines), round };
  }

  /** Stop retrying unreachable witnesses (at close). */
  stopRetrying(): void {
    this.#cosigner.close();
  }
}
