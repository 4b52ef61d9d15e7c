// HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869). Key-equivalent state (pad block, inner and
// outer contexts, PRK) lives in fixed scratch and is wiped as soon as a result is produced.
import { sha256, shaFinal, shaInit, shaUpdate } from './sha256';
import { BYTE, CTX_INNER, CTX_ONESHOT, CTX_OUTER, KEY_HASH, PAD, PRK, T_BLOCK, TMP_HASH } from './layout';

export function hmacBegin(key: usize, keyLen: usize): void {
  if (keyLen > 64) {
    sha256(key, keyLen, KEY_HASH, CTX_ONESHOT);
    key = KEY_HASH;
    keyLen = 32;
  }
  memory.fill(PAD, 0, 64);
  memory.copy(PAD, key, keyLen);
  for (let i: usize = 0; i < 64; i += 8) store<u64>(PAD + i, load<u64>(PAD + i) ^ 0x3636363636363636);
  shaInit(CTX_INNER);
  shaUpdate(CTX_INNER, PAD, 64);
  for (let i: usize = 0; i < 64; i += 8) store<u64>(PAD + i, load<u64>(PAD + i) ^ 0x6a6a6a6a6a6a6a6a); // 0x36 ^ 0x5c
  shaInit(CTX_OUTER);
  shaUpdate(CTX_OUTER, PAD, 64);
  memory.fill(PAD, 0, 64);
  memory.fill(KEY_HASH, 0, 32);
}

export function hmacUpdate(p: usize, len: usize): void {
  shaUpdate(CTX_INNER, p, len);
}

export function hmacEnd(out: usize): void {
  shaFinal(CTX_INNER, TMP_HASH);
  shaUpdate(CTX_OUTER, TMP_HASH, 32);
  shaFinal(CTX_OUTER, out);
  memory.fill(TMP_HASH, 0, 32);
}

export function hmac(key: usize, keyLen: usize, p: usize, len: usize, out: usize): void {
  hmacBegin(key, keyLen);
  hmacUpdate(p, len);
  hmacEnd(out);
}

/** HKDF-SHA256; an empty salt is the RFC's "not provided" (HashLen zero bytes pad to the same key). */
export function hkdf(
  ikm: usize, ikmLen: usize, salt: usize, saltLen: usize, info: usize, infoLen: usize, out: usize, length: usize,
): void {
  hmac(salt, saltLen, ikm, ikmLen, PRK);
  let written: usize = 0;
  for (let i: u8 = 1; written < length; i++) {
    hmacBegin(PRK, 32);
    if (i > 1) hmacUpdate(T_BLOCK, 32);
    hmacUpdate(info, infoLen);
    store<u8>(BYTE, i);
    hmacUpdate(BYTE, 1);
    hmacEnd(T_BLOCK);
    const take = min<usize>(32, length - written);
    memory.copy(out + written, T_BLOCK, take);
    written += take;
  }
  memory.fill(PRK, 0, 32);
  memory.fill(T_BLOCK, 0, 32);
}
