// lib/formats: the formats shared by Node and browser code — leaf-size rule, seal record members,
// identifier and hex patterns, UTC time, argument checks, well-formed text. Browser-safe: only
// lib/errors.ts is imported, and tsconfig.browser.json (DOM libs, no Node types) compiles this folder, so a Node
// import here fails the build.
export * from './args.js';
export * from './constant-time.js';
export * from './hex.js';
export * from './leaf-size.js';
export * from './patterns.js';
export * from './seal-record.js';
export * from './utc-time.js';
export * from './well-formed.js';
