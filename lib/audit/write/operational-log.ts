// Where the audit logger says things about itself (never audit content): a logger the embedding
// application passes (its own pino, tslog, winston or console), or by default a tslog logger for
// warnings and errors only, secrets masked by key name, written to stderr without source paths.
import { formatWithOptions } from 'node:util';
import { type ILogObj, type ISettings, Logger } from 'tslog';

const MASKED_KEYS = ['token', 'secret', 'password', 'authorization', 'apiKey', 'api_key', 'key', 'cookie'];

/**
 * What the audit logger needs of an application's logger: `console`, tslog, winston and pino
 * (message first, details second) all fit. Messages never carry audit content or secrets.
 */
export interface OperationalLogger {
  /** Recovered on its own (writes work again). */
  info(message: string, details?: object): unknown;
  /** Something was repaired or taken over at open (a stale lock, a torn line). */
  warn(message: string, details?: object): unknown;
  /** Records are at risk or refused until the cause goes away. */
  error(message: string, details?: object): unknown;
}

export function defaultOperationalLog(): OperationalLogger {
  return new Logger<ILogObj>({
    name: 'vram-residency.audit',
    minLevel: 4,
    // No "dist/audit/…:123" position: it names the package's internals, not the application's code.
    hideLogPositionForProduction: true,
    maskValuesOfKeys: MASKED_KEYS,
    maskValuesOfKeysCaseInsensitive: true,
    stylePrettyLogs: process.stderr.isTTY === true && !process.env.NO_COLOR,
    // stderr, never stdout: stdout belongs to the program (a CLI's one --json document).
    overwrite: { transportFormatted: toStderr },
  });
}

/** tslog's own Node transport, writing to stderr instead of console.log. */
function toStderr(meta: string, args: unknown[], errors: string[], settings: ISettings<ILogObj>): void {
  const errorText = (errors.length > 0 && args.length > 0 ? '\n' : '') + errors.join('\n');
  process.stderr.write(
    meta +
      formatWithOptions({ ...settings.prettyInspectOptions, colors: settings.stylePrettyLogs }, ...args) +
      errorText +
      '\n',
  );
}
