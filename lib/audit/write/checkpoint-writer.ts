// The writer's side of SPEC §6 checkpoints: signs the log head as a C2SP note with an Ed25519
// key and writes DIR/checkpoints/<12-digit size>.note atomically. The private key stays in a
// KeyObject: it is never printed, logged or serialised.
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, KeyError } from '../../errors.js';
import type { FileLayer } from './file-layer.js';
import { checkpointBody, noteKeyId } from '../format/checkpoint-note.js';
import { checkpointV2Text, ORIGIN_PREFIX_V2, signNote } from '../tlog/checkpoint.js';
import { CheckpointWitnesses, type WitnessConfig } from './checkpoint-witnesses.js';
import { nodeSealingCrypto } from './node-crypto.js';
import { duration } from '../../formats/args.js';
import { privateKeyModeWarning } from '../../attest/key-file-mode.js';

export interface CheckpointOptions {
  /** Ed25519 PKCS#8 private key: PEM text, or the path of a PEM file. */
  privateKey: string;
  /** The signer's name in the note (no spaces or '+'), e.g. `worker-9.audit`; default the v2 origin line. */
  keyName?: string;
  /** How often a checkpoint is written while the log is open (one is also written at close). */
  everySeconds: number;
  /**
   * Witnesses to cosign each v2 checkpoint (SPEC §8). The note is written with the cosignatures
   * obtained, even below the quorum; each refusal is an `audit.witness_refused` warning record.
   */
  witnesses?: WitnessConfig[];
  /** How many witnesses should cosign (default: all); reported, never blocks writing. */
  quorum?: number;
}

export const CHECKPOINT_DIR = 'checkpoints';

export function checkpointFileName(size: number): string {
  return `${String(size).padStart(12, '0')}.note`;
}

export class CheckpointWriter {
  readonly everySeconds: number;
  readonly keyName: string;
  readonly #key: KeyObject;
  readonly #keyId: Buffer;
  /** The witnesses that cosign v2 notes, when configured. */
  readonly witnesses: CheckpointWitnesses | null;
  #lastSize = -1;

  private constructor(
    private readonly dir: string,
    private readonly service: string,
    private readonly layer: FileLayer,
    opts: CheckpointOptions,
    warn: (message: string) => void,
  ) {
    const keyName = opts?.keyName ?? `${ORIGIN_PREFIX_V2}${service}`;
    if (typeof keyName !== 'string' || !/^[^\s+]{1,256}$/.test(keyName))
      throw new InvalidArgumentError('checkpoints.keyName', 'must be 1-256 characters without spaces or "+"');
    if (opts.everySeconds === undefined) throw new InvalidArgumentError('checkpoints.everySeconds', 'is required');
    this.everySeconds = duration(opts.everySeconds, 'checkpoints.everySeconds', 's', 0);
    this.keyName = keyName;
    this.#key = loadEd25519PrivateKey(opts.privateKey, 'checkpoints.privateKey');
    const exposed = opts.privateKey.includes('-----BEGIN')
      ? null
      : privateKeyModeWarning(opts.privateKey, 'the checkpoint key');
    if (exposed) warn(exposed);
    const raw = createPublicKey(this.#key).export({ format: 'der', type: 'spki' }).subarray(12);
    this.#keyId = Buffer.from(noteKeyId(nodeSealingCrypto.sha256, keyName, raw));
    this.witnesses =
      opts.witnesses === undefined
        ? null
        : new CheckpointWitnesses(opts.witnesses, opts.quorum, { name: keyName, raw: new Uint8Array(raw) });
  }

  /** `warn` takes what the operator should hear (a key file readable by others). */
  static open(
    dir: string,
    service: string,
    opts: CheckpointOptions,
    layer: FileLayer,
    warn: (message: string) => void = () => {},
  ): CheckpointWriter {
    const w = new CheckpointWriter(dir, service, layer, opts, warn);
    const cdir = join(dir, CHECKPOINT_DIR);
    if (!existsSync(cdir)) {
      mkdirSync(cdir, { mode: 0o700 });
      layer.fsyncDirSync(dir);
    }
    return w;
  }

  /** The signed note for a head (the text a file holds). */
  note(size: number, hashHex: string): string {
    const body = checkpointBody(this.service, size, hashHex);
    const sig = sign(null, Buffer.from(body, 'utf8'), this.#key);
    return `${body}\n\u2014 ${this.keyName} ${Buffer.concat([this.#keyId, sig]).toString('base64')}\n`;
  }

  /** The signed v2 note (SPEC §8) for the tree of `size` records with `root`. */
  noteV2(size: number, root: Uint8Array): string {
    const key = this.#key;
    return signNote(checkpointV2Text(this.service, size, root), [
      { name: this.keyName, keyId: this.#keyId, sign: (m) => sign(null, m, key) },
    ]);
  }

  /** Write the v1 checkpoint of a durable head (SPEC §6). Returns the file name, or null when none was written. */
  write(size: number, hashHex: string): string | null {
    return this.#writeNote(size, () => this.note(size, hashHex));
  }

  /** Write the v2 checkpoint (SPEC §8) of a durable tree of `size` records. */
  writeV2(size: number, root: () => Uint8Array): string | null {
    return this.#writeNote(size, () => this.noteV2(size, root()));
  }

  /** Whether a note of `size` would be written now (the size moved and has no note yet). */
  wants(size: number): boolean {
    return size > this.#lastSize && size > 0 && !existsSync(join(this.dir, CHECKPOINT_DIR, checkpointFileName(size)));
  }

  /** Write a signed v2 note already made (e.g. with witness cosignatures added). */
  writeNoteText(size: number, note: string): string | null {
    return this.#writeNote(size, () => note);
  }

  /** Nothing when the size has not moved or already has a note (never a second note for a size). */
  #writeNote(size: number, text: () => string): string | null {
    if (size <= this.#lastSize || size === 0) return null;
    const cdir = join(this.dir, CHECKPOINT_DIR);
    const name = checkpointFileName(size);
    if (existsSync(join(cdir, name))) {
      this.#lastSize = size;
      return null;
    }
    const tmp = join(cdir, name + '.tmp');
    this.layer.writeFileSync(tmp, text(), 0o600);
    this.layer.renameSync(tmp, join(cdir, name));
    this.layer.fsyncDirSync(cdir);
    this.#lastSize = size;
    return name;
  }

  toJSON(): object {
    return { keyName: this.keyName, everySeconds: this.everySeconds, witnesses: this.witnesses?.count ?? 0 };
  }
}

/** An Ed25519 private key from PEM text or a PEM file path; E_KEY (never echoing the key) otherwise. */
export function loadEd25519PrivateKey(input: string, argument: string): KeyObject {
  if (typeof input !== 'string' || input.length === 0)
    throw new KeyError(argument, 'must be PEM text or the path of a PEM file');
  let pem = input;
  if (!input.includes('-----BEGIN')) {
    try {
      pem = readFileSync(input, 'utf8');
    } catch (err) {
      throw new KeyError(argument, `cannot read the key file ${input}: ${(err as NodeJS.ErrnoException).code}`);
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new KeyError(argument, 'is not a readable PKCS#8 PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new KeyError(argument, `is a ${key.asymmetricKeyType} key; checkpoints are signed with Ed25519`);
  return key;
}
