// AuditShipper: follows a log directory and publishes every record line, unchanged, to
// vram.audit.<service> with Nats-Msg-Id = its hash (SPEC §7). The stream is the only memory the
// shipper trusts: every (re)connection starts by reading the subject's last record and comparing
// it with the local record at that seq, then ships from the next one. So a restart, a server
// crash that lost unflushed messages, a network cut or a resend neither loses nor repeats.
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import type { JetStreamManager } from '@nats-io/jetstream';
import { FleetForeignRecordError, InvalidArgumentError, type VramResidencyError } from '../errors.js';
import { checkCount, confirmDuplicate, resumePoint, type StreamCopy } from './stream-copy.js';
import { parseNatsUrls } from './connect.js';
import { isFatal, openSession, type Session } from './session.js';
import { checkShipperDurations } from './shipper-durations.js';
import { LogFollower, type FollowedRecord } from './follower.js';
import { PipelinedPublisher, type PubAck, type PublishFailure } from './publisher.js';
import { assertStreamName, auditSubject, checkpointSubject, DEFAULT_STREAM } from './subjects.js';
import { pendingCheckpoints } from './checkpoint.js';
import { checkLocalRange } from './local-range.js';
import { permissionError, probePublish } from './permissions.js';
import { noteHash, readNotesOnStream, type NotesOnStream } from './shipper-notes.js';
import type { AuditShipperOptions, ShipperHealth, ShipperState } from './shipper-options.js';

export type { AuditShipperOptions, ShipperHealth, ShipperState };

const DRAIN_EVERY = 8192; // publishes between checks that nobody else wrote on the subject

interface Sent {
  rec: FollowedRecord;
  ack: PubAck | null;
}

/**
 * Follows an audit log directory and publishes every record line, unchanged, to
 * `vram.audit.<service>` on NATS JetStream, with the record hash as the message id (SPEC §7). Each
 * (re)connection resumes from the stream's last record, so restarts, cuts and resends neither lose
 * nor repeat a record. Emits `status` events; `done` settles when it stops.
 */
export class AuditShipper extends EventEmitter {
  readonly done: Promise<ShipperHealth>;
  private readonly urls: string[];
  private readonly stream: string;
  private readonly follower: LogFollower;
  private readonly maxInFlight: number;
  private readonly backoff: { initial: number; max: number };
  private service: string | null = null;
  private subject = '';
  private state: ShipperState = 'starting';
  private shippedSeq = -1;
  private lastStreamSeq = 0;
  private sent: Sent[] = [];
  private sentSinceCheck = 0;
  private published = 0;
  private duplicates = 0;
  private sessions = 0;
  private lastError: ShipperHealth['lastError'] = null;
  private failure: Error | null = null;
  private stopping = false;
  private kick: (() => void) | null = null;
  private wakeSleeper: (() => void) | null = null;
  private current: Session | null = null;
  private pub: PipelinedPublisher | null = null;
  private watcher: FSWatcher | null = null;
  private poller: NodeJS.Timeout | null = null;
  private lastTailCheck = 0;
  /** The checkpoint subject as read this session (null: not read yet). */
  private notes: NotesOnStream | null = null;
  /** Local notes up to this size are on the stream (this session). */
  private noteWatermark = 0;
  private checkpointsPublished = 0;
  private probed = false;

  private constructor(
    private readonly opts: AuditShipperOptions,
    first: Session,
  ) {
    super();
    this.urls = parseNatsUrls(opts.nats);
    this.stream = opts.stream ?? DEFAULT_STREAM;
    this.follower = new LogFollower(opts.dir);
    this.maxInFlight = opts.maxInFlight ?? 1024;
    this.backoff = opts.backoffMs ?? { initial: 100, max: 5000 };
    this.done = this.run(first);
    this.done.catch(() => {}); // observed through `done`; no unhandled rejection when nobody awaits
  }

  /** Connects and checks the stream before returning, so a wrong URL or stream fails at once. */
  static async start(opts: AuditShipperOptions): Promise<AuditShipper> {
    if (typeof opts?.dir !== 'string' || opts.dir === '')
      throw new InvalidArgumentError('dir', 'must be the audit log directory');
    assertStreamName(opts.stream ?? DEFAULT_STREAM);
    for (const [name, v] of [
      ['maxInFlight', opts.maxInFlight],
      ['replicas', opts.replicas],
    ] as const) {
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 1))
        throw new InvalidArgumentError(name, 'must be a positive integer');
    }
    checkShipperDurations(opts);
    const first = await openSession(parseNatsUrls(opts.nats), opts);
    return new AuditShipper(opts, first);
  }

  /** State, shipped and local seqs, lag, records published and the last error: cheap, for status lines. */
  health(): ShipperHealth {
    const localSeq = this.follower.newestSeen - 1;
    const oldest = this.sent[0]?.rec.ts;
    return {
      state: this.state,
      service: this.service,
      stream: this.stream,
      shippedSeq: this.shippedSeq,
      localSeq,
      lagRecords: Math.max(0, localSeq - this.shippedSeq),
      lagMs: oldest ? Math.max(0, Date.now() - Date.parse(oldest)) : 0,
      inFlight: this.sent.length,
      published: this.published,
      duplicates: this.duplicates,
      checkpoints: this.checkpointsPublished,
      foreignCheckpoints: this.notes?.foreign ?? { count: 0, firstStreamSeq: null },
      sessions: this.sessions,
      lastError: this.lastError,
    };
  }

  /** Stop after the publishes in flight are acknowledged (or time out); resolves with the final health. */
  async stop(): Promise<ShipperHealth> {
    this.stopping = true;
    this.kick?.();
    this.wakeSleeper?.();
    try {
      return await this.done;
    } catch {
      return this.health();
    }
  }

  private setState(state: ShipperState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit('status', this.health());
  }

  private async run(first: Session): Promise<ShipperHealth> {
    let session: Session | null = first;
    let delay = this.backoff.initial;
    if (!this.opts.once) this.watchDir();
    try {
      while (!this.stopping) {
        try {
          session ??= await openSession(this.urls, this.opts);
          this.sessions++;
          if (await this.ship(session)) break;
        } catch (caught) {
          const err = permissionError(caught, 'shipping');
          if (isFatal(err)) throw err;
          this.lastError = {
            code: (err as VramResidencyError).code ?? 'E_FLEET_UNREACHABLE',
            message: (err as Error).message,
            at: new Date().toISOString(),
          };
          if (this.published > 0) delay = this.backoff.initial;
          this.setState('retrying');
          this.emit('retry', { error: this.lastError, delayMs: delay });
          await this.sleep(delay);
          delay = Math.min(delay * 2, this.backoff.max);
        } finally {
          if (session) await session.nc.close().catch(() => {});
          session = null;
        }
      }
      this.setState('stopped');
      return this.health();
    } catch (err) {
      this.lastError = {
        code: (err as VramResidencyError).code ?? 'E_INTERNAL',
        message: (err as Error).message,
        at: new Date().toISOString(),
      };
      this.setState('failed');
      throw err;
    } finally {
      this.watcher?.close();
      if (this.poller) clearInterval(this.poller);
      this.follower.close();
    }
  }

  /** One connection's worth of shipping; true when finished (once, or stopped), throws on failure. */
  private async ship(s: Session): Promise<boolean> {
    this.failure = null;
    this.sent = [];
    this.notes = null;
    this.noteWatermark = 0;
    const copy = await this.resync(s.jsm);
    if (!copy) return this.opts.once === true || this.stopping;
    if (!this.probed) {
      // Before the first publish: can this identity publish where it must? (E_FLEET_PERMISSION names what is missing.)
      await probePublish(s.nc, this.subject, this.stream, this.opts.ackTimeoutMs ?? 5000);
      await probePublish(s.nc, checkpointSubject(this.service!), this.stream, this.opts.ackTimeoutMs ?? 5000);
      this.probed = true;
    }
    this.current = s;
    const pub = new PipelinedPublisher(s.nc, this.opts.ackTimeoutMs ?? 5000, (e) => this.fail(e));
    this.pub = pub;
    void s.nc.closed().then((e) => {
      if (this.current === s) this.fail(e ?? new Error('the NATS connection closed'));
    });
    try {
      for (;;) {
        if (this.failure) throw this.failure;
        const wake = new Promise<void>((r) => (this.kick = r));
        this.fillWindow(pub);
        if (this.sent.length === 0) {
          await this.shipCheckpoints(copy, pub);
          if (this.opts.once || this.stopping) {
            await this.checkTail(copy, true);
            return true;
          }
          this.setState('idle');
          await this.checkTail(copy, false);
        } else {
          this.setState('shipping');
        }
        await wake;
        await this.confirmDuplicates(copy);
      }
    } finally {
      this.current = null;
      this.pub = null;
      pub.close();
    }
  }

  private fillWindow(pub: PipelinedPublisher): void {
    if (this.stopping) return;
    while (this.sent.length < this.maxInFlight) {
      if (this.sentSinceCheck >= DRAIN_EVERY && this.sent.length > 0) return; // let the window drain, then check
      const recs = this.follower.take(this.maxInFlight - this.sent.length);
      if (recs.length === 0) return;
      for (const rec of recs) {
        if (rec.service !== this.service)
          throw new FleetForeignRecordError(
            this.service!,
            rec.seq,
            `local record ${rec.seq} names service "${rec.service}", not "${this.service}": one log directory per service`,
          );
        // Nothing in flight: every ack is in, so the subject's last stream sequence is known and
        // the server can check that nobody else published on it meanwhile.
        const expect = this.sent.length === 0 ? this.lastStreamSeq : null;
        if (expect !== null) this.sentSinceCheck = 0;
        const entry: Sent = { rec, ack: null };
        this.sent.push(entry);
        this.sentSinceCheck++;
        pub.send(this.subject, rec.line, rec.hash, expect, (ack, failure) => this.settle(entry, ack, failure));
      }
    }
  }

  private settle(entry: Sent, ack: PubAck | null, failure: PublishFailure | null): void {
    if (failure || !ack) {
      this.fail(failure!.error);
      return;
    }
    entry.ack = ack;
    while (this.sent[0]?.ack) {
      const { rec, ack: a } = this.sent.shift()!;
      if (a!.seq <= this.lastStreamSeq && !a!.duplicate) {
        this.fail(
          new FleetForeignRecordError(
            this.service!,
            rec.seq,
            `record ${rec.seq} landed at stream sequence ${a!.seq}, before the previous record: the subject's order is broken`,
          ),
        );
        return;
      }
      if (a!.duplicate) {
        this.duplicates++;
        this.pendingDuplicates.push({ rec, streamSeq: a!.seq });
      } else {
        this.published++;
      }
      this.lastStreamSeq = Math.max(this.lastStreamSeq, a!.seq);
      this.shippedSeq = rec.seq;
      if (this.listenerCount('acked') > 0) this.emit('acked', rec.seq);
    }
    // Refill in batches (one socket write for many publishes), not one publish per ack.
    if (this.sent.length <= this.maxInFlight / 2 || this.pendingDuplicates.length > 0) this.kick?.();
  }

  private pendingDuplicates: { rec: FollowedRecord; streamSeq: number }[] = [];

  private async confirmDuplicates(copy: StreamCopy): Promise<void> {
    while (this.pendingDuplicates.length > 0) {
      const { rec, streamSeq } = this.pendingDuplicates.shift()!;
      await confirmDuplicate(copy, rec, streamSeq);
    }
  }

  /**
   * Checkpoint notes the writer left in DIR/checkpoints/ (SPEC §6), in size order, each once the
   * records it covers are in the stream; resumes after the last note already on the subject.
   */
  private async shipCheckpoints(copy: StreamCopy, pub: PipelinedPublisher): Promise<void> {
    this.notes ??= await readNotesOnStream(copy);
    for (const note of pendingCheckpoints(this.opts.dir, this.noteWatermark, this.shippedSeq + 1)) {
      const hash = noteHash(note.bytes);
      if (!this.notes.shipped.has(hash)) {
        const ack = await new Promise<PubAck>((resolve, reject) =>
          pub.send(checkpointSubject(this.service!), note.bytes, hash, null, (a, f) =>
            a ? resolve(a) : reject(f!.error),
          ),
        );
        if (!ack.duplicate) this.checkpointsPublished++;
        this.notes.shipped.add(hash);
      }
      this.noteWatermark = note.size;
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.pub?.failAll(error);
    this.kick?.();
  }

  /** Where to continue (see resumePoint); null when the log has no record yet. */
  private async resync(jsm: JetStreamManager): Promise<StreamCopy | null> {
    if (!this.service) {
      const first = await this.firstRecord();
      if (!first) return null;
      this.service = first.service;
      this.subject = auditSubject(first.service);
    }
    const copy: StreamCopy = {
      jsm,
      stream: this.stream,
      service: this.service,
      subject: this.subject,
      dir: this.opts.dir,
    };
    this.pendingDuplicates = [];
    ({ shippedSeq: this.shippedSeq, lastStreamSeq: this.lastStreamSeq } = await resumePoint(copy, this.follower));
    await checkLocalRange(this.opts.dir, this.shippedSeq + 1, this.service);
    return copy;
  }

  /** The log's first record (it names the service), waiting for one unless shipping once. */
  private async firstRecord(): Promise<FollowedRecord | null> {
    for (;;) {
      const first = this.follower.firstSeq();
      if (first !== null && (await this.follower.seek(first, null)) === 'ok') {
        const rec = await this.follower.next();
        if (rec) return rec;
      }
      if (this.opts.once || this.stopping) return null;
      await this.sleep(this.opts.pollMs ?? 200);
    }
  }

  private async checkTail(copy: StreamCopy, force: boolean): Promise<void> {
    if (!force && Date.now() - this.lastTailCheck < 5000) return;
    this.lastTailCheck = Date.now();
    await checkCount(copy, this.shippedSeq, this.follower.firstSeq() ?? 0);
  }

  private watchDir(): void {
    try {
      this.watcher = watch(this.opts.dir, () => this.kick?.());
      this.watcher.on('error', () => {}); // the poller still runs
    } catch {
      // no directory yet, or no inotify: polling alone
    }
    this.poller = setInterval(() => this.kick?.(), this.opts.pollMs ?? 200);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeSleeper = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
