// The audit logger's default tslog logger for its own operational messages (never audit content):
// warnings and errors only, secrets masked by key name, written to stderr.
import { formatWithOptions } from 'node:util';
import { type ILogObj, type ISettings, Logger } from 'tslog';

const MASKED_KEYS = ['token', 'secret', 'password', 'authorization', 'apiKey', 'api_key', 'key', 'cookie'];

export function defaultOperationalLog(): Logger<ILogObj> {
  return new Logger<ILogObj>({
    name: 'vram-residency.audit',
    minLevel: 4,
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
