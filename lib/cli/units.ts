// Words and units the CLI prints: counted nouns ("1 segment", "2 segments") and sizes in binary
// units (KiB, MiB, GiB), the same the verifier page shows.
import { InvalidArgumentError } from '../errors.js';
import { parseSize } from './reporter.js';

export { plural } from '../formats/plural.js';

export { humanBytes } from '../human-bytes.js';

/** `--simulated-capacity`: a size with units (8GiB, 512MiB), at least 1 MiB. */
export function simulatedCapacity(text: string): number {
  let bytes: number;
  try {
    bytes = parseSize(text);
  } catch (e) {
    throw new InvalidArgumentError('--simulated-capacity', (e as Error).message);
  }
  if (bytes < 2 ** 20) throw new InvalidArgumentError('--simulated-capacity', `must be at least 1MiB, got "${text}"`);
  return bytes;
}
