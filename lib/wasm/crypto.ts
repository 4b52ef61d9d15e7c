// WasmCrypto: the byte-level operations of SPEC §1–3 over one module instance.
import { InvalidArgumentError } from '../errors.js';
import { assertBytes } from '../formats/args.js';
import { ONESHOT_SLOT, type Core } from './core.js';
import { assertLeafSize } from '../formats/leaf-size.js';
import { stageSealFields, type SealRecordFields } from './seal-fields.js';
import { WasmSealKey, type SealKey } from './seal-key.js';
import {
  LeafCombiner,
  MthStream,
  Sha256Stream,
  type LeafHashCombiner,
  type StreamingHash,
  type StreamingMth,
} from './streams.js';

export interface WasmCrypto {
  /** SHA-256 of the bytes (32 bytes). */
  sha256(data: Uint8Array): Uint8Array;
  /** HMAC-SHA256 (32 bytes). */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 5869; salt null = absent (32 zero bytes); length 0 … 8160. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array | null, info: Uint8Array, length: number): Uint8Array;
  /** SPEC §1 root of `data`. */
  mthSha256(data: Uint8Array, leafSize: number): Uint8Array;
  /** A streaming SHA-256: update in any pieces, then digest once. */
  createSha256(): StreamingHash;
  /**
   * Streaming SPEC §1 root. `onLeafHashes`, when given, receives the 32-byte leaf hashes in order
   * as leaves complete (the short last leaf at digest()), e.g. to keep a leaf list for sampled checks.
   */
  createMth(leafSize: number, opts?: { onLeafHashes?: (leafHashes: Uint8Array) => void }): StreamingMth;
  /** SPEC §1 root from leaf hashes pushed in order (bounded memory: O(log n)). */
  createLeafCombiner(): LeafHashCombiner;
  /** SPEC §2 seal key for a worker token (UTF-8, 16 … 4096 bytes, else E_ARG; never echoed). */
  sealKey(token: string): SealKey;
  /** SPEC §3 MAC input bytes of a record. */
  sealMacInput(record: SealRecordFields): Uint8Array;
  /** Concatenated 32-byte leaf hashes of `data` (the last leaf may be short). */
  hashLeaves(data: Uint8Array, leafSize: number): Uint8Array;
  /** SPEC §1 root from concatenated 32-byte leaf hashes. */
  combineLeafHashes(leafHashes: Uint8Array): Uint8Array;
}

const HKDF_MAX_LENGTH = 255 * 32;

export class WasmCryptoImpl implements WasmCrypto {
  readonly #core: Core;

  constructor(core: Core) {
    this.#core = core;
  }

  sha256(data: Uint8Array): Uint8Array {
    assertBytes(data, 'data');
    const core = this.#core;
    core.x.shaBegin(ONESHOT_SLOT);
    for (let off = 0; off < data.length; off += core.stageSize) {
      const piece = data.subarray(off, off + core.stageSize);
      core.toStage(piece);
      core.x.shaAbsorb(ONESHOT_SLOT, piece.length);
    }
    core.x.shaEnd(ONESHOT_SLOT);
    return core.readOut();
  }

  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
    assertBytes(key, 'key');
    assertBytes(data, 'data');
    const core = this.#core;
    // RFC 2104: a key longer than the block is replaced by its hash (done here if it would not fit the stage).
    const blockKey = key.length > core.stageSize ? this.sha256(key) : key;
    core.toStage(blockKey);
    core.x.hmacKey(blockKey.length); // wipes the staged key
    for (let off = 0; off < data.length; off += core.stageSize) {
      const piece = data.subarray(off, off + core.stageSize);
      core.toStage(piece);
      core.x.hmacAbsorb(piece.length);
    }
    core.x.hmacFinish();
    return core.readOut();
  }

  hkdfSha256(ikm: Uint8Array, salt: Uint8Array | null, info: Uint8Array, length: number): Uint8Array {
    assertBytes(ikm, 'ikm');
    if (salt !== null) assertBytes(salt, 'salt');
    assertBytes(info, 'info');
    if (!Number.isInteger(length) || length < 0 || length > HKDF_MAX_LENGTH) {
      throw new InvalidArgumentError('length', `must be an integer from 0 to ${HKDF_MAX_LENGTH}`);
    }
    const core = this.#core;
    const saltBytes = salt ?? new Uint8Array(0); // absent salt ≡ HashLen zeros ≡ empty HMAC key
    // HMAC keys longer than a block are hashed first (RFC 2104), which keeps everything in the stage.
    const saltKey = saltBytes.length > 64 ? this.sha256(saltBytes) : saltBytes;
    if (ikm.length + saltKey.length + info.length > core.stageSize) {
      throw new InvalidArgumentError('ikm', `ikm, salt and info together must be at most ${core.stageSize} bytes`);
    }
    core.toStage(ikm, 0);
    core.toStage(saltKey, ikm.length);
    core.toStage(info, ikm.length + saltKey.length);
    core.x.hkdf(ikm.length, saltKey.length, info.length, length);
    const okm = core.read(core.leafOut, length);
    core.bytes.fill(0, core.leafOut, core.leafOut + length);
    return okm;
  }

  mthSha256(data: Uint8Array, leafSize: number): Uint8Array {
    assertBytes(data, 'data');
    return this.createMth(leafSize).update(data).digest();
  }

  createSha256(): StreamingHash {
    return new Sha256Stream(this.#core);
  }

  createMth(leafSize: number, opts: { onLeafHashes?: (leafHashes: Uint8Array) => void } = {}): StreamingMth {
    if (opts.onLeafHashes !== undefined && typeof opts.onLeafHashes !== 'function') {
      throw new InvalidArgumentError('onLeafHashes', 'must be a function');
    }
    return new MthStream(this.#core, leafSize, opts.onLeafHashes);
  }

  createLeafCombiner(): LeafHashCombiner {
    return new LeafCombiner(this.#core);
  }

  sealKey(token: string): SealKey {
    return new WasmSealKey(this.#core, token);
  }

  sealMacInput(record: SealRecordFields): Uint8Array {
    const core = this.#core;
    const count = stageSealFields(core, record);
    const length = core.x.sealFrameFields(count);
    return core.read(core.stage + core.stageSize / 2, length);
  }

  hashLeaves(data: Uint8Array, leafSize: number): Uint8Array {
    assertBytes(data, 'data');
    assertLeafSize(leafSize);
    const out = new Uint8Array(Math.ceil(data.length / leafSize) * 32);
    let at = 0;
    const stream = new MthStream(this.#core, leafSize, (hashes) => {
      out.set(hashes, at);
      at += hashes.length;
    });
    stream.update(data).digest();
    return out;
  }

  combineLeafHashes(leafHashes: Uint8Array): Uint8Array {
    return this.createLeafCombiner().push(leafHashes).digest();
  }
}
