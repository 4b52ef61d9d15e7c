// Which addon binary to load. A published package carries a prebuilt CUDA addon for its platform
// (prebuilds/<platform>-<arch>/vram_residency.cuda.node, made by `npm run prebuild`); Node-API
// keeps one binary valid for every Node >= 20. The loader tries the prebuild, then a local build
// (build/Release, made by `node-gyp rebuild` at install time or by a developer). In a git checkout
// the local build comes first, so development always runs the code it just compiled.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export type BinaryKind = 'prebuild' | 'local-build';

/** The addon binary that loaded. */
export interface LoadedBinary {
  kind: BinaryKind;
  path: string;
}

export const PREBUILD_FILE = 'vram_residency.cuda.node';

/** The prebuild directory name for this process, e.g. "linux-x64". */
export function platformName(): string {
  return `${process.platform}-${process.arch}`;
}

function candidates(packageRoot: string): LoadedBinary[] {
  const prebuild: LoadedBinary = {
    kind: 'prebuild',
    path: join(packageRoot, 'prebuilds', platformName(), PREBUILD_FILE),
  };
  const local: LoadedBinary[] = ['Release', 'Debug'].map((config) => ({
    kind: 'local-build',
    path: join(packageRoot, 'build', config, 'vram_residency.node'),
  }));
  const checkout = existsSync(join(packageRoot, '.git'));
  return checkout ? [...local, prebuild] : [prebuild, ...local];
}

/**
 * Loads the first binary that exists and loads. Throws one Error whose one-line message says what
 * was tried: the missing prebuild (and which platforms the package has), no local build, or a load failure.
 */
export function loadAddonBinary<T>(packageRoot: string): { addon: T; binary: LoadedBinary } {
  const require = createRequire(import.meta.url);
  const failures: string[] = [];
  for (const candidate of candidates(packageRoot)) {
    if (!existsSync(candidate.path)) continue;
    try {
      return { addon: require(candidate.path) as T, binary: candidate };
    } catch (error) {
      failures.push(`${candidate.kind} ${candidate.path} did not load: ${firstLine((error as Error).message)}`);
    }
  }
  const prebuilds = join(packageRoot, 'prebuilds');
  const shipped = existsSync(prebuilds) ? readdirSync(prebuilds).sort() : [];
  const prebuildNote =
    shipped.length > 0
      ? `no prebuilt addon for ${platformName()} (the package has: ${shipped.join(', ')})`
      : `no prebuilt addon for ${platformName()}`;
  throw new Error([prebuildNote, 'no local build (build/Release/vram_residency.node)', ...failures].join('; '));
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
