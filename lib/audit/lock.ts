// One writer per directory. The lock file is created atomically (write a private temp file,
// then link(2) it into place, which fails if a lock exists) and names its holder's pid and host.
// A lock whose holder on this host is no longer alive is stale and is taken over: it is first
// renamed away (atomic, so of two processes recovering at once only one gets it) and its content
// re-checked, so a live lock that appeared in between is put back instead of stolen.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, realpathSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AuditIoError, AuditLockedError } from '../errors.js';
import { LOCK_FILE } from './segments.js';

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
  return new AuditIoError(`cannot create the lock file in audit directory ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
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
        const stale = holder === null ? false : holder.host === content.host && !isAlive(holder.pid);
        if (!stale) {
          // An unreadable lock may be one being written right now: treat it as held.
          throw new AuditLockedError(dir, holder?.pid ?? null);
        }
        const aside = join(dir, `${LOCK_FILE}.stale.${content.token}`);
        try {
          renameSync(path, aside);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else moved it
          throw err;
        }
        const moved = readLock(aside);
        if (moved === null || moved.token !== holder!.token) {
          // We moved a lock that is not the stale one we inspected: give it back.
          try {
            linkSync(aside, path);
          } catch {
            /* the rightful holder re-created it meanwhile */
          }
          unlinkSync(aside);
          throw new AuditLockedError(dir, moved?.pid ?? null);
        }
        unlinkSync(aside);
        onStale?.({ pid: holder!.pid });
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
