// Public entry point of the SDK.
export * from './errors.js';
export { digestFile, type DigestFileOptions, type FileDigest } from './digest-file.js';
export * from './audit/index.js';
