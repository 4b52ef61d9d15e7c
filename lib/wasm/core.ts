// The raw module: instantiation (no imports, no generated bindings) and the typed view of its
// pointer-level exports. The memory is fixed-size (initial = maximum pages), so it never grows;
// `bytes` still re-creates its view if the buffer ever changes identity.
import { WasmError } from '../errors.js';
import { decodeBase64 } from './base64.js';
import { wasmBase64 } from './binary.generated.js';

interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
/** The subset of the WebAssembly JS API used here (typed locally: the project's TS lib has no DOM). */
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: Record<string, unknown> }>;
}

export interface CoreExports {
  memory: WasmMemory;
  stagePtr(): number;
  stageSize(): number;
  outPtr(): number;
  leafOutPtr(): number;
  leafOutSize(): number;
  fieldLengthsPtr(): number;
  keySlotCount(): number;
  streamSlotCount(): number;
  shaBegin(slot: number): void;
  shaAbsorb(slot: number, len: number): void;
  shaEnd(slot: number): void;
  hmacKey(keyLen: number): void;
  hmacKeySlot(slot: number): void;
  hmacAbsorb(len: number): void;
  hmacFinish(): void;
  hkdf(ikmLen: number, saltLen: number, infoLen: number, length: number): void;
  mthBegin(slot: number, leafSize: number): void;
  mthFeed(slot: number, len: number, emit: number): number;
  mthFlushLeaf(slot: number, emit: number): number;
  mthPushLeaves(slot: number, count: number): void;
  mthEnd(slot: number): void;
  sealKeyDerive(slot: number, tokenLen: number): void;
  sealKeyWipe(slot: number): void;
  sealKeyExport(slot: number): void;
  sealFrameFields(count: number): number;
  sealMacFields(slot: number, count: number): void;
}

/** Selects the one-shot SHA-256 context instead of a stream slot. */
export const ONESHOT_SLOT = -1;

let compiled: Promise<object> | undefined;

function webAssembly(): WebAssemblyApi {
  const api = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) throw new WasmError('E_NO_ADDON', 'this JavaScript runtime has no WebAssembly support');
  return api;
}

/** Compiles the embedded module once per realm; every instance shares the compiled code. */
export function compileCore(): Promise<object> {
  compiled ??= webAssembly().compile(decodeBase64(wasmBase64));
  return compiled;
}

/** Fixed-size pools of slot numbers (stream states, seal keys) inside one instance. */
class SlotPool {
  readonly #free: number[];
  readonly #what: string;
  constructor(count: number, what: string) {
    this.#what = what;
    this.#free = Array.from({ length: count }, (_, i) => count - 1 - i);
  }
  take(): number {
    const slot = this.#free.pop();
    if (slot === undefined) {
      throw new WasmError(
        'E_OUT_OF_MEMORY',
        `all ${this.#what} slots of this WASM instance are in use; finish (digest/dispose) unused ones or create another instance`,
      );
    }
    return slot;
  }
  give(slot: number): void {
    this.#free.push(slot);
  }
}

export class Core {
  readonly x: CoreExports;
  readonly stage: number;
  readonly stageSize: number;
  readonly out: number;
  readonly leafOut: number;
  readonly fieldLengths: number;
  readonly streamSlots: SlotPool;
  readonly keySlots: SlotPool;
  #view: Uint8Array;

  constructor(exports: CoreExports) {
    this.x = exports;
    this.stage = exports.stagePtr();
    this.stageSize = exports.stageSize();
    this.out = exports.outPtr();
    this.leafOut = exports.leafOutPtr();
    this.fieldLengths = exports.fieldLengthsPtr();
    this.streamSlots = new SlotPool(exports.streamSlotCount(), 'streaming hash');
    this.keySlots = new SlotPool(exports.keySlotCount(), 'seal key');
    this.#view = new Uint8Array(exports.memory.buffer);
  }

  get bytes(): Uint8Array {
    if (this.#view.buffer !== this.x.memory.buffer) this.#view = new Uint8Array(this.x.memory.buffer);
    return this.#view;
  }

  /** Copies ≤ stageSize bytes into the staging area. */
  toStage(data: Uint8Array, at = 0): void {
    this.bytes.set(data, this.stage + at);
  }

  read(ptr: number, length: number): Uint8Array {
    return this.bytes.slice(ptr, ptr + length);
  }

  readOut(length = 32): Uint8Array {
    return this.read(this.out, length);
  }
}

/** A new instance, of `compiled` (a WebAssembly.Module from compileCore, possibly posted from another thread) or of the embedded module. */
export async function instantiateCore(compiled?: object): Promise<Core> {
  const instance = await webAssembly().instantiate(compiled ?? (await compileCore()), {});
  return new Core(instance.exports as unknown as CoreExports);
}
