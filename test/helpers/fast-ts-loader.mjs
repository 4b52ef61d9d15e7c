// `node --import <this> child.ts`: runs a TypeScript test child by transpiling with esbuild (type
// annotations dropped, nothing type-checked), as tap's own ts-node loader would, but in a tenth
// of the start-up (a child importing the audit library: ~0.3 s instead of 2.6 s and 3 CPU-s).
// The tests that SIGKILL, race or time children start dozens of them.
import { register } from 'node:module';

register('./fast-ts-hooks.mjs', import.meta.url);
