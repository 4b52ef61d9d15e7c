// SPEC §2–3 inside the module: seal-key derivation into a key slot, kid, MAC input framing, MAC.
// JS supplies only the UTF-8 texts of the record members; framing happens here so every engine
// MACs the same bytes.
import { hkdf, hmac } from './hmac';
import { FIELD_LENGTHS, KEY_SLOTS, KEY_SLOT_COUNT, OUT } from './layout';

const SEAL_KEY_INFO = memory.data<u8>([
  0x76, 0x72, 0x61, 0x6d, 0x2d, 0x72, 0x65, 0x73, 0x69, 0x64, 0x65, 0x6e, 0x63, 0x79, 0x2f, 0x73, 0x65, 0x61, 0x6c,
  0x2d, 0x6b, 0x65, 0x79, 0x2f, 0x76, 0x31,
]); // "vram-residency/seal-key/v1"
const SEAL_KEY_INFO_LEN: usize = 26;
const KEY_ID_INFO = memory.data<u8>([
  0x76, 0x72, 0x61, 0x6d, 0x2d, 0x72, 0x65, 0x73, 0x69, 0x64, 0x65, 0x6e, 0x63, 0x79, 0x2f, 0x6b, 0x65, 0x79, 0x2d,
  0x69, 0x64, 0x2f, 0x76, 0x31,
]); // "vram-residency/key-id/v1"
const KEY_ID_INFO_LEN: usize = 24;
const SEAL_PREFIX = memory.data<u8>([
  0x76, 0x72, 0x61, 0x6d, 0x2d, 0x72, 0x65, 0x73, 0x69, 0x64, 0x65, 0x6e, 0x63, 0x79, 0x2e, 0x73, 0x65, 0x61, 0x6c,
  0x2e, 0x76, 0x31, 0x00,
]); // "vram-residency.seal.v1" NUL
const SEAL_PREFIX_LEN: usize = 23;

export function keySlotPtr(slot: u32): usize {
  if (slot >= KEY_SLOT_COUNT) unreachable();
  return KEY_SLOTS + (<usize>slot << 5);
}

/** key = HKDF(token, no salt, seal-key info, 32) into `slot`; the token bytes are wiped; kid bytes (8) to OUT. */
export function sealDeriveKey(slot: u32, token: usize, tokenLen: usize): void {
  const key = keySlotPtr(slot);
  hkdf(token, tokenLen, 0, 0, SEAL_KEY_INFO, SEAL_KEY_INFO_LEN, key, 32);
  memory.fill(token, 0, tokenLen);
  hmac(key, 32, KEY_ID_INFO, KEY_ID_INFO_LEN, OUT);
  memory.fill(OUT + 8, 0, 24);
}

/**
 * Frames `count` member texts, laid end to end at `texts` with lengths at FIELD_LENGTHS
 * (-1 = null), into `out`: prefix, then per member u32 BE length + text, or FF FF FF FF.
 * Returns the framed length.
 */
export function sealFrame(texts: usize, count: u32, out: usize): usize {
  let p = out;
  memory.copy(p, SEAL_PREFIX, SEAL_PREFIX_LEN);
  p += SEAL_PREFIX_LEN;
  let src = texts;
  for (let i: u32 = 0; i < count; i++) {
    const len = load<i32>(FIELD_LENGTHS + (<usize>i << 2));
    if (len < 0) {
      store<u32>(p, 0xffffffff);
      p += 4;
      continue;
    }
    store<u32>(p, bswap<u32>(<u32>len));
    memory.copy(p + 4, src, <usize>len);
    p += 4 + <usize>len;
    src += <usize>len;
  }
  return p - out;
}

/** mac = HMAC(key in `slot`, framed member texts) to OUT; `frame` is scratch for the framed bytes. */
export function sealMac(slot: u32, texts: usize, count: u32, frame: usize): void {
  const len = sealFrame(texts, count, frame);
  hmac(keySlotPtr(slot), 32, frame, len, OUT);
  memory.fill(frame, 0, len);
}

export function keyWipe(slot: u32): void {
  memory.fill(keySlotPtr(slot), 0, 32);
}
