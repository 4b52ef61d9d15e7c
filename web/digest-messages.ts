// The messages between the page and its digest workers (structured-cloned; hashes transferred).

/** Page → worker. */
export type ToWorker =
  /** Hash leaf ranges of `blob` on request (jobs follow). */
  | { kind: 'leaves'; module: WebAssembly.Module; blob: Blob; leafSize: number }
  /** One leaf range: bytes [offset, offset + length), a whole number of leaves (the file's last may be short). */
  | { kind: 'job'; job: number; offset: number; length: number }
  /** Plain SHA-256 of the whole blob, read in order. */
  | { kind: 'sha256'; module: WebAssembly.Module; blob: Blob };

/** Worker → page. */
export type FromWorker =
  | { kind: 'leaves'; job: number; hashes: ArrayBuffer }
  | { kind: 'sha256-progress'; bytes: number }
  | { kind: 'sha256'; digest: ArrayBuffer }
  | { kind: 'error'; message: string };
