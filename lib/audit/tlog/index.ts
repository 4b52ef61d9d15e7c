// SPEC §8 transparency-log core (browser-safe): RFC 6962 tree and proofs, v2 checkpoints with
// witness cosignatures, tlog-proof@v1 files, tiles. The writer, the CLI, the fleet verifier and
// the page all use these.
export * from './tree.js';
export * from './checkpoint.js';
export * from './proof-file.js';
export * from './tiles.js';
