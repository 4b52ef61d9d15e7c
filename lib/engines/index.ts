// The engines room's public API, by name (the package root re-exports it whole): SPEC §1 file
// digests with the WASM engine or a chosen one.
export { digestFile, type DigestFileOptions } from './wasm-digest.js';
export type { FileDigest } from './file-stat.js';
export { digestFileWith, ENGINES, defaultEngine, type Engine } from './digest-with-engine.js';
export type { FileDigestOptions } from './digest-with-engine.js';
