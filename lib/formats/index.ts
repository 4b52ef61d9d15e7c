// lib/formats: the shared floor — the formats and rules Node and browser code share: leaf-size
// rule, seal record members, identifier and hex patterns, hex and constant-time comparison, UTC
// time, argument checks, well-formed text, strict JSON, the WebCrypto slice. Browser-safe: only
// lib/errors.ts is imported, and tsconfig.browser.json (DOM libs, no Node types) compiles this
// folder, so a Node import here fails the build. No room below this one exists; every room may
// import it (test/structure/layering.test.ts). Listed by name.
export { assertBytes, assertInteger, assertPattern, positiveInteger, type Bytes } from './args.js';
export { constantTimeEqual, equalsHex } from './constant-time.js';
export { fromHex, isHex, toHex } from './hex.js';
export { DEFAULT_LEAF_SIZE, MAX_LEAF_SIZE, MIN_LEAF_SIZE, assertLeafSize, isLeafSize } from './leaf-size.js';
export {
  HEX16_PATTERN,
  HEX64_PATTERN,
  SERVICE_PATTERN,
  SHARD_ID_PATTERN,
  WORKER_ID_PATTERN,
  patternRule,
} from './patterns.js';
export {
  DIGEST_ALG,
  MAC_FIELD_ORDER,
  SEAL_FORMAT,
  SEAL_MEMBERS,
  type SealBackend,
  type SealRecord,
  type SealRecordFields,
} from './seal-record.js';
export { strictJsonProblem } from './strict-json.js';
export { isUtcMillis } from './utc-time.js';
export {
  ownBytes,
  webSubtle,
  type WebCryptoAlgorithm,
  type WebCryptoKey,
  type WebSubtle,
} from './web-crypto.js';
export { decodeStrictUtf8, isWellFormedText } from './well-formed.js';
