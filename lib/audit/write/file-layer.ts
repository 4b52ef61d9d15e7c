// The file operations the writer performs, behind an interface so tests can inject disk-full
// and I/O errors at any step. Writes are positional (pwrite) so a write can be retried, or
// repeated by the synchronous critical path, at the exact offset it belongs to.
import * as fs from 'node:fs';

/**
 * The file operations the audit writer performs (the `fileLayer` option): tests inject disk-full
 * and I/O errors through it. Writes are positional so a retry lands at the same offset.
 */
export interface FileLayer {
  /** As fs.openSync. */
  openSync(path: string, flags: string, mode: number): number;
  /** As fs.closeSync. */
  closeSync(fd: number): void;
  /** As fs.writeSync, positional: returns the bytes written. */
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  /** As fs.fsyncSync. */
  fsyncSync(fd: number): void;
  /** As fs.ftruncateSync: cuts a torn tail on recovery. */
  ftruncateSync(fd: number, length: number): void;
  /** As fs.write, positional, as a promise of the bytes written. */
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** As fs.fsync, as a promise. */
  fsync(fd: number): Promise<void>;
  /** Write a whole small file (sidecars) durably. */
  writeFileSync(path: string, data: string, mode: number): void;
  /** As fs.renameSync (a sidecar written to a temporary name, then renamed). */
  renameSync(from: string, to: string): void;
  /** Make a directory entry change (create, rename) durable. */
  fsyncDirSync(dir: string): void;
  /** Hard links of an open file: 0 once it was deleted (e.g. with its directory). Optional for test layers. */
  linkCountSync?(fd: number): number;
}

export const nodeFileLayer: FileLayer = {
  openSync: (path, flags, mode) => fs.openSync(path, flags, mode),
  closeSync: (fd) => fs.closeSync(fd),
  writeSync: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  write: (fd, buf, offset, length, position) =>
    new Promise((resolve, reject) =>
      fs.write(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))),
    ),
  fsync: (fd) => new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve()))),
  writeFileSync: (path, data, mode) => {
    const fd = fs.openSync(path, 'w', mode);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  renameSync: (from, to) => fs.renameSync(from, to),
  linkCountSync: (fd) => fs.fstatSync(fd).nlink,
  fsyncDirSync: (dir) => {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};
