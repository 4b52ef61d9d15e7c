// SPEC §3 MAC input: which record members are framed, in which order, and their texts.
// The framing itself (prefix, u32 BE lengths, FF FF FF FF for null) happens inside the module.
import { InvalidArgumentError } from '../errors.js';
import type { Core } from './core.js';
import { MAC_FIELD_ORDER, type SealRecordFields } from '../formats/seal-record.js';

export { MAC_FIELD_ORDER, type SealRecordFields };

const encoder = new TextEncoder();

/** A member's UTF-8 text (SPEC §3: strings as is, integers in shortest base 10), or null. */
function memberText(record: SealRecordFields, name: keyof SealRecordFields): Uint8Array | null {
  const value: unknown = record[name];
  if (value === null) return null;
  if (typeof value === 'string') return encoder.encode(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return encoder.encode(String(value));
  throw new InvalidArgumentError(`record.${name}`, 'must be a string, a non-negative safe integer or null');
}

/** Writes the member texts to the stage and their lengths (-1 = null) to the length table. */
export function stageSealFields(core: Core, record: SealRecordFields): number {
  if (record === null || typeof record !== 'object') throw new InvalidArgumentError('record', 'must be an object');
  const lengths = new Int32Array(MAC_FIELD_ORDER.length);
  const texts: Uint8Array[] = [];
  let total = 0;
  MAC_FIELD_ORDER.forEach((name, i) => {
    const text = memberText(record, name);
    lengths[i] = text === null ? -1 : text.length;
    if (text) {
      texts.push(text);
      total += text.length;
    }
  });
  // Framed copy goes to the stage's second half: the texts must fit the first, with room for framing.
  if (total + 4 * MAC_FIELD_ORDER.length + 64 > core.stageSize / 2) {
    throw new InvalidArgumentError('record', 'member texts are far longer than SPEC §3 allows');
  }
  let at = 0;
  for (const text of texts) {
    core.toStage(text, at);
    at += text.length;
  }
  const table = new DataView(core.bytes.buffer, core.fieldLengths, lengths.length * 4);
  lengths.forEach((length, i) => {
    table.setInt32(i * 4, length, true); // WASM memory is little-endian
  });
  return MAC_FIELD_ORDER.length;
}
