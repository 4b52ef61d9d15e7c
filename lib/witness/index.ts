// The C2SP tlog-witness (SPEC §8): a server that cosigns consistent checkpoints, and the writer's
// client that asks witnesses to cosign.
export { checkAddCheckpoint, parseAddCheckpointBody, MAX_BODY_BYTES, MAX_PROOF_LINES } from './add-checkpoint.js';
export type { AddCheckpointRequest, CosignedState, WitnessAnswer, WitnessPolicy } from './add-checkpoint.js';
export { createWitness, type Witness, type WitnessOptions } from './server.js';
export { StateJournal } from './state-journal.js';
