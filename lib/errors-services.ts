// The error classes of the fleet, leases and IPC, tensor headers and the witness: part of the one
// family (re-exported by lib/errors.ts), kept apart so that no file of the family passes 400 lines.
import { VramResidencyError } from './error-codes.js';

// ---- Fleet shipping (NATS JetStream, SPEC §7): lib/fleet ------------------------------------

/** Errors of the JetStream shipper and the stream verifier (E_FLEET_*). */
export class FleetError extends VramResidencyError {}

/** No NATS server answered at the URL (down, wrong host or port, not NATS, or JetStream off). */
export class FleetUnreachableError extends FleetError {
  readonly url: string;
  constructor(url: string, message: string, cause?: unknown) {
    super('E_FLEET_UNREACHABLE', message, { retriable: true, cause });
    this.url = url;
  }
}

/** The stream is missing (when it may not be created) or has settings that could lose or alter records. */
export class FleetStreamConfigError extends FleetError {
  readonly stream: string;
  constructor(stream: string, message: string) {
    super('E_FLEET_STREAM_CONFIG', message);
    this.stream = stream;
  }
}

/** The stream holds, on a service's subject, a record that is not the local log's record (or not in its place). */
export class FleetForeignRecordError extends FleetError {
  readonly service: string;
  readonly seq: number;
  constructor(service: string, seq: number, message: string) {
    super('E_FLEET_FOREIGN_RECORD', message);
    this.service = service;
    this.seq = seq;
  }
}

/**
 * The NATS server refused this identity: its credentials (operation `connect`), or a permission the
 * shipper or verifier needs (`publish` or `subscribe` on `subject`). Retrying does not help.
 */
export class FleetPermissionError extends FleetError {
  readonly operation: 'connect' | 'publish' | 'subscribe';
  readonly subject: string;
  constructor(operation: 'connect' | 'publish' | 'subscribe', subject: string, message: string, cause?: unknown) {
    super('E_FLEET_PERMISSION', message, { cause });
    this.operation = operation;
    this.subject = subject;
  }
}

/** The server refused a publish for a reason retrying will not fix by itself (e.g. the stream is full). */
export class FleetPublishError extends FleetError {
  constructor(message: string) {
    super('E_FLEET_PUBLISH', message, { retriable: true });
  }
}

// ---- Leases and IPC (issue 23): lib/manager/lease.ts, lib/native/ipc.ts ---------------------

/** A shard with open leases was released or re-sealed with `whenLeased: 'refuse'` (the default). */
export class LeasedError extends VramResidencyError {
  readonly shardId: string;
  readonly openLeases: number;
  constructor(shardId: string, openLeases: number) {
    super(
      'E_LEASED',
      `shard ${shardId} has ${openLeases} open lease(s): release them first, or release the shard with { whenLeased: 'wait' }`,
      { retriable: true },
    );
    this.shardId = shardId;
    this.openLeases = openLeases;
  }
}

/** An IPC handle whose sealed memory is gone (released, or the exporting process ended): never old bytes. */
export class StaleHandleError extends VramResidencyError {
  constructor(message: string) {
    super('E_STALE_HANDLE', message);
  }
}

/** IPC is not possible here (no memfd sealing, another device, no permission to the exporter's memory). */
export class IpcUnavailableError extends VramResidencyError {
  constructor(message: string) {
    super('E_IPC_UNAVAILABLE', message);
  }
}

/** A model file's header (safetensors, GGUF) breaks its format or points outside the file: no view is made. */
export class MalformedTensorHeaderError extends VramResidencyError {
  readonly format: string;
  constructor(format: string, message: string) {
    super('E_MALFORMED', `${format}: ${message}`);
    this.format = format;
  }
}

/** The witness's state journal cannot be read or written; it refuses to cosign rather than forget. */
export class WitnessStateError extends VramResidencyError {
  constructor(message: string) {
    super('E_WITNESS_STATE', message);
  }
}
