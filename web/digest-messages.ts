// The messages between the page and its digest workers (structured-cloned; buffers transferred).

/** Page → worker. */
export type ToWorker =
  /** Hash leaf ranges of `blob` on request (jobs follow). */
  | { kind: 'leaves'; module: WebAssembly.Module; blob: Blob; leafSize: number }
  /**
   * One leaf range: bytes [offset, offset + length), a whole number of leaves (the file's last may
   * be short). With `keep`, the bytes read come back with the hashes (for the SHA-256 worker).
   * `hash: false` reads the range and hashes nothing (the read path alone, to measure it).
   */
  | { kind: 'job'; job: number; offset: number; length: number; keep: boolean; hash?: boolean }
  /** Plain SHA-256 of the chunks that follow, in order, until `end` (bytes the tree workers or the page read). */
  | { kind: 'sha256-stream'; module: WebAssembly.Module }
  | { kind: 'chunk'; bytes: ArrayBuffer }
  | { kind: 'end' };

/** Worker → page. */
export type FromWorker =
  | { kind: 'leaves'; job: number; hashes: ArrayBuffer; bytes: ArrayBuffer | null }
  | { kind: 'sha256-progress'; bytes: number }
  | { kind: 'sha256'; digest: ArrayBuffer }
  | { kind: 'error'; message: string };
