// Colour on a terminal only: never when NO_COLOR is set (no-color.org), never into a pipe or file
// unless FORCE_COLOR asks for it (as CI logs that render ANSI do).

export type Colour = 'green' | 'red' | 'yellow' | 'bold';

const CODES: Record<Colour, [number, number]> = { green: [32, 39], red: [31, 39], yellow: [33, 39], bold: [1, 22] };

/** Whether colour codes may be written to `stream`. */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function colourise(on: boolean, colour: Colour, text: string): string {
  const [open, close] = CODES[colour];
  return on ? `\x1b[${open}m${text}\x1b[${close}m` : text;
}
