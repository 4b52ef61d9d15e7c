// Small tmpfs mounts for disk-full and read-only tests. Needs root (mount(8)); tests skip with a
// clear message where mounting is not allowed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from 'node:fs';
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
export function mountTmpfs(sizeKiB: number, opts: { ro?: boolean; leaveFreeKiB?: number } = {}): { dir: string; unmount(): void } {
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
