// Small tmpfs mounts for disk-full and read-only tests. Needs root (mount(8)); tests skip with a
// clear message where mounting is not allowed.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  rmdirSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why tmpfs mounts cannot be made here, or false when they can. */
export const tmpfsSkip: string | false = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'vrr-tmpfs-probe-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { encoding: 'utf8' });
  if (r.status === 0) spawnSync('umount', [probe]);
  rmdirSync(probe);
  return r.status === 0 ? false : `cannot mount a tmpfs here (needs root): ${(r.stderr || String(r.error)).trim()}`;
})();

/** Mounts a tmpfs of `sizeKiB` (read-only with ro) at a new directory; unmount() when done. */
export function mountTmpfs(
  sizeKiB: number,
  opts: { ro?: boolean; leaveFreeKiB?: number } = {},
): { dir: string; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vrr-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0777`, 'tmpfs', dir]);
  if (opts.leaveFreeKiB !== undefined) {
    // Fill the filesystem, then give back exactly the room asked for.
    mkdirSync(join(dir, '.fill'));
    try {
      writeFileSync(join(dir, '.fill', 'all'), Buffer.alloc(sizeKiB * 1024));
    } catch {
      /* ENOSPC: full, as intended */
    }
    execFileSync('truncate', ['-s', `-${opts.leaveFreeKiB}K`, join(dir, '.fill', 'all')]);
  }
  if (opts.ro) execFileSync('mount', ['-o', 'remount,ro', dir]);
  return {
    dir,
    unmount() {
      spawnSync('umount', [dir]);
      rmdirSync(dir);
    },
  };
}

/** A tmpfs whose free space a test takes away (fill) and gives back (free) while a writer runs. */
export interface FillableTmpfs {
  dir: string;
  /** Writes a filler file until the filesystem is full. */
  fill(): void;
  /** Gives back `bytes` of the filler (or all of it). */
  free(bytes?: number): void;
}

/** Mounts a tmpfs of `sizeBytes` for one test (unmounted, lazily, at teardown). */
export function mountFillableTmpfs(t: { teardown(fn: () => void): void }, sizeBytes: number): FillableTmpfs {
  const fs = mountTmpfs(Math.ceil(sizeBytes / 1024));
  let filler: number | null = null;
  t.teardown(() => {
    if (filler !== null) closeSync(filler);
    rmSync(join(fs.dir, 'filler'), { force: true });
    fs.unmount();
  });
  return {
    dir: fs.dir,
    fill() {
      filler ??= openSync(join(fs.dir, 'filler'), 'a');
      const chunk = Buffer.alloc(4096, 0x5a);
      for (;;) {
        try {
          if (writeSync(filler, chunk) < chunk.length) return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
          throw error;
        }
      }
    },
    free(bytes) {
      if (filler === null) return;
      ftruncateSync(filler, bytes === undefined ? 0 : Math.max(0, fstatSync(filler).size - bytes));
    },
  };
}
