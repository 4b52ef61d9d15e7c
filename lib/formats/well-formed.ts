// Text with exactly one UTF-8 encoding. TextEncoder (and Node's env/file decoding) silently turns
// a lone surrogate or an invalid byte into U+FFFD, so two different secrets would encode to the
// same bytes; callers refuse such text instead. Hand-written because String.prototype.isWellFormed
// is missing from browsers older than 2023 that the wasm entry still serves.

/** True when `text` has no unpaired UTF-16 surrogate. */
export function isWellFormedText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false; // a low surrogate with no high one before it
    const next = text.charCodeAt(i + 1); // NaN past the end
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of well-formed UTF-8 bytes, or null when they are not well-formed UTF-8. */
export function decodeStrictUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}
