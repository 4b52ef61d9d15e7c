// Public entry point of the SDK.
export * from './errors.js';
export * from './audit/index.js';
