// Public-key attestations (SPEC §5) for Node: keys, seal attestations, OpenSSF model signatures.
// The browser-safe verifiers are also exported by `vram-residency/wasm`.
export {
  KEYGEN_ALGORITHMS,
  generateKeyPair,
  writeKeyPair,
  loadSigningKey,
  loadSigningKeyFile,
  type SigningKey,
} from './node-keys.js';
export { parsePublicKeyPem, type KeyAlgorithm, type PublicKeyInfo } from './public-key.js';
export { BUNDLE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, pae, type SigstoreBundle } from './dsse.js';
export { SEAL_PREDICATE_TYPE, sealStatement, type Statement } from './statement.js';
export {
  serializeBundle,
  signSealRecord,
  verifySealBundle,
  verifySealBundleBytes,
  verifySealBundleFile,
  type BundleFileVerifyOptions,
  type BundleVerifyOptions,
} from './seal-node.js';
export { createSealBundleStreamVerifier, type BundleStreamVerifier, type PublicKeyOption } from './seal-bundle.js';
export { MODEL_PREDICATE_TYPE, type ModelManifest } from './model-statement.js';
export { listModelFiles, hashModelFiles, type HashProgress, type ModelFile } from './model-files.js';
export {
  openSignedModel,
  signModel,
  verifyModel,
  type ModelHashOptions,
  type ModelVerifyOptions,
  type SignedModel,
} from './model-sign.js';
export {
  sealSignedModel,
  type ModelSealProgress,
  type ModelSealer,
  type SealModelOptions,
  type SealedModel,
} from './seal-model.js';
