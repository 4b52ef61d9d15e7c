// The files of a model as OpenSSF model signing sees them (Node): every regular file under the
// model directory except ignored paths (matched component by component, as model_signing does),
// or the model file alone; and their SHA-256s, several files at once on the native engine.
import { assertOptions, assertString, assertStringArray } from '../formats/args.js';
import { createHash } from 'node:crypto';
import { type Stats, createReadStream, promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { FileIoError, InvalidArgumentError, ModelMismatchError } from '../errors.js';
import { cpuEngine, nativeStatus } from '../native/index.js';
import { toHex } from '../formats/hex.js';
import { isIgnored } from './model-check.js';
import { GIT_PATHS } from './model-statement.js';

export interface ModelFile {
  /** Relative to the model, `/`-separated; `.` when the model is a single file. */
  name: string;
  path: string;
  size: number;
}

export interface ModelFileList {
  /** The model's name: its base name. */
  name: string;
  single: boolean;
  files: ModelFile[];
}

/**
 * Lists a model. `ignorePaths` are relative to the model directory; `.git`, `.gitattributes`,
 * `.github` and `.gitignore` are always ignored. A symbolic link or special file is refused.
 */
export async function listModelFiles(modelPath: string, ignorePaths: readonly string[] = []): Promise<ModelFileList> {
  assertString(modelPath, 'modelPath');
  assertStringArray(ignorePaths, 'ignorePaths');
  const root = resolve(modelPath);
  let stat: Stats;
  try {
    stat = await fsp.lstat(root);
  } catch (error) {
    throw new FileIoError(`cannot read the model ${modelPath}: ${(error as NodeJS.ErrnoException).code}`, error);
  }
  const name = root.split(sep).pop() || root;
  if (stat.isFile()) return { name, single: true, files: [{ name: '.', path: root, size: stat.size }] };
  if (!stat.isDirectory())
    throw new InvalidArgumentError('model', `${modelPath} is neither a directory nor a regular file`);
  const ignore = [...GIT_PATHS, ...ignorePaths];
  const files: ModelFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fsp.readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      throw new FileIoError(`cannot list ${relative(root, dir) || '.'} of the model (${error.code})`, error);
    });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      if (isIgnored(rel, ignore)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push({ name: rel, path, size: await sizeOf(path, rel) });
      else {
        const kind = entry.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
        throw new ModelMismatchError(
          'unlisted file',
          rel,
          `${rel} is ${kind}; model signatures (allow_symlinks false) cover regular files only`,
        );
      }
    }
  };
  await walk(root);
  return { name, single: false, files };
}

/** A file's size; one that vanished while the model was listed is named, not a raw ENOENT. */
async function sizeOf(path: string, name: string): Promise<number> {
  try {
    return (await fsp.stat(path)).size;
  } catch (error) {
    throw new FileIoError(
      `${name} disappeared or became unreadable while the model was listed (${(error as NodeJS.ErrnoException).code})`,
      error,
    );
  }
}

export interface HashProgress {
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
}

async function nodeSha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * SHA-256 of every file, `threads` files at a time (default: all cores) on the native engine
 * (node:crypto when the addon is absent). Largest first, so the last file to finish is small;
 * the map lists the files in the order given.
 */
export async function hashModelFiles(
  files: readonly ModelFile[],
  opts: { threads?: number; onProgress?: (p: HashProgress) => void } = {},
): Promise<Map<string, string>> {
  if (!Array.isArray(files))
    throw new InvalidArgumentError('files', 'must be an array of model files (from listModelFiles)');
  assertOptions(opts);
  const native = nativeStatus().loaded;
  const queue = [...files].sort((a, b) => b.size - a.size);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const out = new Map<string, string>();
  let bytes = 0;
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      let digest: string;
      try {
        digest = native ? toHex((await cpuEngine.sha256File(file.path)).sha256) : await nodeSha256File(file.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || /no such file/i.test((error as Error).message)) {
          throw new ModelMismatchError(
            'missing file',
            file.name,
            `${file.name} disappeared while the model was being hashed`,
          );
        }
        throw error;
      }
      out.set(file.name, digest);
      bytes += file.size;
      opts.onProgress?.({ bytes, totalBytes, files: out.size, totalFiles: files.length });
    }
  };
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), files.length));
  await Promise.all(Array.from({ length: threads }, worker));
  return new Map(files.map((f) => [f.name, out.get(f.name)!])); // in the caller's order
}
