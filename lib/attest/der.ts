// The little DER a verifier needs (no Node imports): which algorithm an SPKI public key names, and
// ECDSA signatures from DER (what DSSE carries) to the fixed-width r ‖ s that WebCrypto expects.

export type KeyAlgorithm = 'ed25519' | 'p256' | 'p384' | 'p521';

interface Tlv {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new Error('truncated DER');
  const tag = der[at]!;
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | der[start + i]!;
    if (len < 0x80 || (n > 1 && der[start] === 0)) throw new Error('non-minimal DER length');
    start += n;
  }
  if (start + len > limit) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}

const OIDS: Record<string, string> = {
  '2b6570': 'ed25519',
  '2a8648ce3d0201': 'ec',
  '2a8648ce3d030107': 'p256',
  '2b81040022': 'p384',
  '2b81040023': 'p521',
};

function oidName(der: Uint8Array, tlv: Tlv): string | undefined {
  if (tlv.tag !== 0x06) return undefined;
  let hex = '';
  for (let i = tlv.start; i < tlv.end; i++) hex += der[i]!.toString(16).padStart(2, '0');
  return OIDS[hex];
}

/** The algorithm of a SubjectPublicKeyInfo; throws for anything but Ed25519 and ECDSA P-256/384/521. */
export function spkiAlgorithm(der: Uint8Array): KeyAlgorithm {
  const outer = readTlv(der, 0, der.length);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error('not a SubjectPublicKeyInfo');
  const algId = readTlv(der, outer.start, outer.end);
  if (algId.tag !== 0x30) throw new Error('not a SubjectPublicKeyInfo');
  const bits = readTlv(der, algId.end, outer.end);
  if (bits.tag !== 0x03 || bits.end !== outer.end) throw new Error('not a SubjectPublicKeyInfo');
  const oid = readTlv(der, algId.start, algId.end);
  const name = oidName(der, oid);
  if (name === 'ed25519' && oid.end === algId.end) return 'ed25519';
  if (name === 'ec' && oid.end < algId.end) {
    const curve = oidName(der, readTlv(der, oid.end, algId.end));
    if (curve === 'p256' || curve === 'p384' || curve === 'p521') return curve;
    throw new Error('an elliptic curve other than P-256, P-384 or P-521');
  }
  throw new Error('neither an Ed25519 nor an ECDSA public key');
}

/** Bytes of one coordinate (and of r and s) per curve. */
export const EC_SIZE: Record<Exclude<KeyAlgorithm, 'ed25519'>, number> = { p256: 32, p384: 48, p521: 66 };

/**
 * ECDSA-Sig-Value (SEQUENCE of two positive INTEGERs, strict DER) → r ‖ s, each `size` bytes.
 * Returns null when the bytes are not such a signature (a verifier then reports a mismatch).
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  try {
    const seq = readTlv(der, 0, der.length);
    if (seq.tag !== 0x30 || seq.end !== der.length) return null;
    const r = readTlv(der, seq.start, seq.end);
    const s = readTlv(der, r.end, seq.end);
    if (s.end !== seq.end) return null;
    const out = new Uint8Array(2 * size);
    for (const [i, int] of [r, s].entries()) {
      if (int.tag !== 0x02 || int.end === int.start) return null;
      let from = int.start;
      if (der[from]! & 0x80) return null; // negative
      if (der[from] === 0 && int.end - from > 1) {
        if (!(der[from + 1]! & 0x80)) return null; // non-minimal
        from++;
      }
      const n = int.end - from;
      if (n > size) return null;
      out.set(der.subarray(from, int.end), i * size + size - n);
    }
    return out;
  } catch {
    return null;
  }
}
