// How commands talk: human lines (with progress bars on a terminal) or one JSON document (--json).
import { SingleBar } from 'cli-progress';
import { humanBytes } from '../human-bytes.js';
import { type Colour, colourise, colourWanted } from './colour.js';

export interface ReporterOptions {
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export class Reporter {
  readonly json: boolean;
  private readonly out: NodeJS.WriteStream;
  private readonly err: NodeJS.WriteStream;

  constructor(opts: ReporterOptions) {
    this.json = opts.json;
    this.out = opts.stdout ?? process.stdout;
    this.err = opts.stderr ?? process.stderr;
  }

  /** A human line on stdout (nothing in --json mode). */
  line(text = ''): void {
    if (!this.json) this.out.write(text + '\n');
  }

  /**
   * The one JSON document of a --json run. An error after a streamed array began cannot become a
   * second document: it goes to stderr, and the unterminated array tells a parser it is incomplete.
   */
  result(value: unknown): void {
    if (!this.json) return;
    if (this.#warnings.length > 0 && value !== null && typeof value === 'object' && !Array.isArray(value))
      value = { ...value, warnings: this.#warnings };
    if (this.#streaming) this.err.write(`error: ${JSON.stringify(value)}\n`);
    else this.out.write(JSON.stringify(value, null, 2) + '\n');
  }

  #streaming = false;

  /**
   * The one JSON document as an array written item by item (what `JSON.stringify(items, null, 2)`
   * would print), so a result of any size never sits in memory. Nothing is written without --json.
   */
  jsonArray(): { push(item: unknown): void; end(): void } {
    let count = 0;
    if (this.json) {
      this.out.write('[');
      this.#streaming = true;
    }
    return {
      push: (item) => {
        if (!this.json) return;
        this.out.write((count++ === 0 ? '\n  ' : ',\n  ') + JSON.stringify(item, null, 2).replace(/\n/g, '\n  '));
      },
      end: () => {
        if (!this.json) return;
        this.out.write(count === 0 ? ']\n' : '\n]\n');
        this.#streaming = false;
      },
    };
  }

  /** A warning or error sentence on stderr. */
  warn(text: string): void {
    this.err.write(text + '\n');
  }

  readonly #warnings: string[] = [];

  /** A warning on stderr that --json also lists, as `warnings`, in its result document. */
  warning(text: string): void {
    this.#warnings.push(text);
    this.warn(`warning: ${text}`);
  }

  /** Emphasis only when colors are welcome (a terminal, and NO_COLOR unset). */
  strong(text: string): string {
    return this.paint('bold', text);
  }

  /** `text` in a colour, for stdout lines, when colour is welcome there (colour.ts). */
  paint(colour: Colour, text: string): string {
    return colourise(colourWanted(this.out), colour, text);
  }

  /**
   * Work that reports no bytes (a device re-hash): on a terminal a line that goes away when it is
   * done; otherwise one plain line on stderr; nothing with --json.
   */
  activity(text: string): { done(): void } {
    if (this.json) return { done() {} };
    if (!this.err.isTTY) {
      this.err.write(`${text}\n`);
      return { done() {} };
    }
    this.err.write(text);
    return { done: () => void this.err.write('\r\x1b[K') };
  }

  /**
   * A progress bar on a terminal; plain start/finish lines when output is not a terminal; silent
   * with --json. Returns an updater taking bytes done.
   */
  progress(label: string, totalBytes: number): { update(bytes: number): void; stop(): void } {
    if (this.json) return { update() {}, stop() {} };
    if (!this.err.isTTY) {
      // Plain lines at each quarter, so logs of long runs still show movement.
      let quarter = 0;
      const err = this.err;
      return {
        update(bytes: number) {
          // A line at each quarter passed; the percentage printed is that of the bytes printed.
          const q = Math.floor((bytes / totalBytes) * 4);
          if (q > quarter && q < 4) {
            quarter = q;
            const percent = Math.floor((100 * bytes) / totalBytes);
            err.write(`${label}: ${percent}% (${formatBytes(bytes)} of ${formatBytes(totalBytes)})\n`);
          }
        },
        stop() {},
      };
    }
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {done}/{totalMiB} MiB | {speed} MiB/s`,
      stream: this.err,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    });
    const started = performance.now();
    const totalMiB = (totalBytes / 2 ** 20).toFixed(1);
    bar.start(totalBytes, 0, { done: '0.0', totalMiB, speed: '0' });
    return {
      update(bytes: number) {
        const s = (performance.now() - started) / 1000;
        bar.update(bytes, {
          done: (bytes / 2 ** 20).toFixed(1),
          totalMiB,
          speed: s > 0 ? (bytes / 2 ** 20 / s).toFixed(0) : '0',
        });
      },
      stop() {
        bar.stop();
      },
    };
  }
}

/** Sizes in binary units: the same function the library's messages use. */
export const formatBytes = humanBytes;

/** Parses sizes such as 4096, 64KiB, 256MiB, 1GiB, 1.5GB. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/i.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a size (examples: 4096, 64KiB, 256MiB, 1GiB)`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const pow: Record<string, number> = {
    b: 1,
    k: 1024,
    kib: 1024,
    m: 2 ** 20,
    mib: 2 ** 20,
    g: 2 ** 30,
    gib: 2 ** 30,
    t: 2 ** 40,
    tib: 2 ** 40,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
  };
  const bytes = Number(m[1]) * pow[unit]!;
  if (!Number.isSafeInteger(bytes)) throw new Error(`"${text}" is not a whole number of bytes`);
  return bytes;
}
