// What an AuditShipper takes and what it reports (health(), 'status' events, the CLI's status lines).
import type { NatsCredentials } from './credentials.js';

export interface AuditShipperOptions {
  /** The audit log directory to follow. */
  dir: string;
  /** nats://host:port, or several comma-separated (a cluster). */
  nats: string;
  /** The worker's NATS identity and TLS (files and environment variables; see docs/fleet.md). */
  credentials?: NatsCredentials;
  /** The JetStream stream (default `VRAM_AUDIT`); created when missing, refused when its settings could lose records. */
  stream?: string;
  /** Replicas when the stream is created (3 in a three-node cluster). */
  replicas?: number;
  /** Ship what the log holds now, then stop (the promise `done` resolves). */
  once?: boolean;
  /** Publishes awaiting their ack at most (default 1024). */
  maxInFlight?: number;
  /** How often to look for new records when no file event arrives (default 200 ms). */
  pollMs?: number;
  /** How long a publish may wait for its ack (default 5000 ms). */
  ackTimeoutMs?: number;
  /** How long a connection attempt may take (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Retry delays after the first connection, doubling from `initial` to `max` (default 100 and 5000 ms). */
  backoffMs?: { initial: number; max: number };
}

export type ShipperState = 'starting' | 'shipping' | 'idle' | 'retrying' | 'stopping' | 'stopped' | 'failed';

export interface ShipperHealth {
  state: ShipperState;
  service: string | null;
  stream: string;
  /** Seq of the newest record known to be in the stream (−1: none). */
  shippedSeq: number;
  /** Seq of the newest complete local record read so far (−1: none). */
  localSeq: number;
  lagRecords: number;
  /** Age of the oldest local record not yet acknowledged by the stream (0 when caught up). */
  lagMs: number;
  inFlight: number;
  /** Records acknowledged in this run (new in the stream), and those the stream already held. */
  published: number;
  duplicates: number;
  /** Checkpoint notes published in this run. */
  checkpoints: number;
  /** Notes on the checkpoint subject that are no local note (forged or another writer's): ignored. */
  foreignCheckpoints: { count: number; firstStreamSeq: number | null };
  /** Connections opened (1 + reconnections). */
  sessions: number;
  lastError: { code: string; message: string; at: string } | null;
}
