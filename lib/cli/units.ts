// Words and units the CLI prints: counted nouns ("1 segment", "2 segments") and sizes in binary
// units (KiB, MiB, GiB), the same the verifier page shows.

export { plural } from '../formats/plural.js';

export { humanBytes } from '../formats/human-bytes.js';
