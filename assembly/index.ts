// The module's exports: pointer-level entry points for lib/wasm (the only intended caller).
// Every address is inside the fixed map in layout.ts; inputs are copied into STAGE by JS.
import {
  FIELD_LENGTHS, KEY_SLOT_COUNT, LEAF_OUT, LEAF_OUT_SIZE, MEMORY_END, OUT, STAGE, STAGE_SIZE, STREAM_SLOTS,
  STREAM_SLOT_COUNT, STREAM_SLOT_SIZE, CTX_ONESHOT,
} from './layout';
import { shaFinal, shaInit, shaUpdate } from './sha256';
import { hkdf as hkdfRaw, hmacBegin, hmacEnd, hmacUpdate } from './hmac';
import { mthAbsorb, mthCloseLeaf, mthFinal, mthInit, pushLeafHash } from './mth';
import { keySlotPtr, keyWipe, sealDeriveKey, sealFrame, sealMac } from './seal';

export function stagePtr(): usize { return STAGE; }
export function stageSize(): usize { return STAGE_SIZE; }
export function outPtr(): usize { return OUT; }
export function leafOutPtr(): usize { return LEAF_OUT; }
export function leafOutSize(): usize { return LEAF_OUT_SIZE; }
export function fieldLengthsPtr(): usize { return FIELD_LENGTHS; }
export function keySlotCount(): u32 { return KEY_SLOT_COUNT; }
export function streamSlotCount(): u32 { return STREAM_SLOT_COUNT; }
export function memoryEnd(): usize { return MEMORY_END; }

function slotPtr(slot: u32): usize {
  if (slot >= STREAM_SLOT_COUNT) unreachable();
  return STREAM_SLOTS + <usize>slot * STREAM_SLOT_SIZE;
}

// Plain SHA-256: slot = -1 (0xffffffff) selects the one-shot context.
function ctxFor(slot: u32): usize { return slot == 0xffffffff ? CTX_ONESHOT : slotPtr(slot); }
export function shaBegin(slot: u32): void { shaInit(ctxFor(slot)); }
export function shaAbsorb(slot: u32, len: usize): void { shaUpdate(ctxFor(slot), STAGE, len); }
export function shaEnd(slot: u32): void { shaFinal(ctxFor(slot), OUT); }

// HMAC over STAGE pieces: key at STAGE when beginning, then data pieces.
export function hmacKey(keyLen: usize): void { hmacBegin(STAGE, keyLen); }
export function hmacKeySlot(slot: u32): void { hmacBegin(keySlotPtr(slot), 32); }
export function hmacAbsorb(len: usize): void { hmacUpdate(STAGE, len); }
export function hmacFinish(): void { hmacEnd(OUT); }

/** HKDF: ikm, salt, info laid end to end at STAGE; output (≤ 8160 bytes) to LEAF_OUT. */
export function hkdf(ikmLen: usize, saltLen: usize, infoLen: usize, length: usize): void {
  hkdfRaw(STAGE, ikmLen, STAGE + ikmLen, saltLen, STAGE + ikmLen + saltLen, infoLen, LEAF_OUT, length);
  memory.fill(STAGE, 0, ikmLen + saltLen + infoLen);
}

// mth-sha256 streams. emit != 0 writes completed leaf hashes to LEAF_OUT.
export function mthBegin(slot: u32, leafSize: u32): void { mthInit(slotPtr(slot), leafSize); }
export function mthFeed(slot: u32, len: usize, emit: bool): u32 {
  return mthAbsorb(slotPtr(slot), STAGE, len, emit ? LEAF_OUT : 0);
}
export function mthFlushLeaf(slot: u32, emit: bool): u32 { return mthCloseLeaf(slotPtr(slot), emit ? LEAF_OUT : 0); }
/** Pushes `count` ready-made leaf hashes from STAGE. */
export function mthPushLeaves(slot: u32, count: u32): void {
  const s = slotPtr(slot);
  for (let i: usize = 0; i < <usize>count; i++) pushLeafHash(s, STAGE + (i << 5));
}
export function mthEnd(slot: u32): void { mthFinal(slotPtr(slot), OUT); }

// Seal keys.
export function sealKeyDerive(slot: u32, tokenLen: usize): void { sealDeriveKey(slot, STAGE, tokenLen); }
export function sealKeyWipe(slot: u32): void { keyWipe(slot); }
export function sealKeyExport(slot: u32): void { memory.copy(OUT, keySlotPtr(slot), 32); }
/** Field texts at STAGE, framed copy to STAGE + STAGE_SIZE/2, returns its length. */
export function sealFrameFields(count: u32): usize { return sealFrame(STAGE, count, STAGE + (STAGE_SIZE >> 1)); }
export function sealMacFields(slot: u32, count: u32): void { sealMac(slot, STAGE, count, STAGE + (STAGE_SIZE >> 1)); }
