/**
 * Fleet shipping over NATS JetStream (SPEC §7): the shipper and the central verifier.
 * @module vram-residency/fleet
 */
// Fleet shipping (SPEC §7): the `vram-residency/fleet` entry. Separate from the main entry so that
// only programs that ship or verify from NATS load the NATS client.
export { AuditShipper, type AuditShipperOptions, type ShipperHealth, type ShipperState } from './shipper.js';
export {
  verifyFleet,
  type FleetServiceResult,
  type FleetVerifyOptions,
  type FleetVerifyResult,
  type ServiceVerdict,
  type TailPolicy,
  type UnauthenticatedTail,
} from './verify.js';
export type { NatsCredentials } from './credentials.js';
export {
  trustCheckpointNote,
  type NoteVerdict,
  type TrustedCheckpoint,
  type WitnessTrust,
} from './note-trust.js';
export { streamConfigProblem } from './stream.js';
export { auditSubject, checkpointSubject, DEFAULT_STREAM, STREAM_SUBJECTS } from './subjects.js';
export {
  FleetError,
  FleetForeignRecordError,
  FleetPermissionError,
  FleetPublishError,
  FleetStreamConfigError,
  FleetUnreachableError,
} from '../errors.js';
