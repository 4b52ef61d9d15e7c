// Public entry point of the SDK.
export * from './errors.js';
