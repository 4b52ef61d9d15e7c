// One writer per directory. The lock file is created atomically (write a private temp file,
// then link(2) it into place, which fails if a lock exists) and names its holder's pid and host.
// A lock whose holder on this host is no longer alive — or names this very process without being
// held here (a restarted container reuses its pid) — is stale and is taken over. Of several
// processes taking over one stale lock at once only the one that creates its claim file
// (`audit.lock.claim-<token>`, O_EXCL) may remove it; the others report the directory locked. Nobody
// ever moves a lock away, so a live holder's lock cannot vanish under it.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AuditIoError, AuditLockedError } from '../../errors.js';
import { LOCK_FILE } from '../format/log-layout.js';

interface LockContent {
  pid: number;
  host: string;
  token: string;
}

/** Directories locked by loggers of this process (the pid check cannot tell them apart). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockContent | null {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as LockContent;
    return typeof c.pid === 'number' && typeof c.host === 'string' ? c : null;
  } catch {
    return null;
  }
}

function lockIoError(dir: string, err: unknown): AuditIoError {
  return new AuditIoError(
    `cannot create the lock file in audit directory ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    err,
  );
}

/**
 * Remove the stale lock `holder` if this process wins its claim ('removed'); 'busy' when another
 * live process is taking it over (it will hold the directory); 'retry' when the lock changed
 * meanwhile or a claim left by a claimer that died was cleared (a crash mid-takeover cannot
 * wedge the directory).
 */
function takeOver(dir: string, path: string, holder: LockContent, me: LockContent): 'removed' | 'busy' | 'retry' {
  const claim = join(dir, `${LOCK_FILE}.claim-${String(holder.token).replace(/[^0-9a-f]/g, '')}`);
  let fd: number;
  try {
    fd = openSync(claim, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const claimer = readLock(claim);
    if (claimer && claimer.host === me.host && !isAlive(claimer.pid)) {
      unlinkIfPresent(claim); // its claimer died
      return 'retry';
    }
    return 'busy';
  }
  try {
    writeSync(fd, JSON.stringify(me) + '\n');
    closeSync(fd);
    // Still the lock we judged stale? (It may have been taken over and released meanwhile.)
    if (readLock(path)?.token !== holder.token) return 'retry';
    unlinkIfPresent(path);
    return 'removed';
  } finally {
    unlinkIfPresent(claim);
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export interface StaleLockInfo {
  pid: number | null;
}

export class DirectoryLock {
  private released = false;
  private constructor(
    readonly path: string,
    private readonly key: string,
  ) {}

  /** Take the lock or throw AuditLockedError. `onStale` is told when a dead holder's lock is taken over. */
  static acquire(dir: string, onStale?: (info: StaleLockInfo) => void): DirectoryLock {
    const key = realpathSync(dir);
    const path = join(dir, LOCK_FILE);
    if (heldHere.has(key)) throw new AuditLockedError(dir, process.pid);
    const content: LockContent = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
    const tmp = join(dir, `${LOCK_FILE}.${process.pid}.${content.token}`);
    let fd: number;
    try {
      fd = openSync(tmp, 'wx', 0o600);
    } catch (err) {
      throw lockIoError(dir, err);
    }
    try {
      writeSync(fd, JSON.stringify(content) + '\n');
      fsyncSync(fd);
    } catch (err) {
      rmSync(tmp, { force: true }); // a failed acquire (e.g. a full disk) leaves no audit.lock.* file behind
      throw lockIoError(dir, err);
    } finally {
      closeSync(fd);
    }
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          linkSync(tmp, path);
          heldHere.add(key);
          return new DirectoryLock(path, key);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const holder = readLock(path);
        const stale =
          holder !== null && holder.host === content.host && (holder.pid === process.pid || !isAlive(holder.pid));
        if (!stale) {
          // An unreadable lock may be one being written right now: treat it as held.
          throw new AuditLockedError(dir, holder?.pid ?? null);
        }
        const outcome = takeOver(dir, path, holder, content);
        if (outcome === 'busy') throw new AuditLockedError(dir, null);
        if (outcome === 'removed') onStale?.({ pid: holder.pid });
      }
      throw new AuditLockedError(dir, null);
    } finally {
      unlinkSync(tmp);
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.key);
    try {
      unlinkSync(this.path);
    } catch {
      /* already gone: nothing to release */
    }
  }
}
