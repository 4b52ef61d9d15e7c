// `npm run gpu-check` on a machine without a GPU stops at once with one clear line (exit 2, an
// environment error); on a GPU machine it is the device run itself, not something to nest here.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { repoRoot } from '../helpers/vectors.js';

const gpu = existsSync('/proc/driver/nvidia/version');
t.test(
  'without a GPU: one line, exit 2',
  { skip: gpu ? 'an NVIDIA driver is loaded here: run npm run gpu-check itself' : false },
  async (t) => {
    const r = spawnSync(process.execPath, ['scripts/gpu-check.mjs'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });
    t.equal(r.status, 2);
    t.equal(r.stdout.trim().split('\n').length, 1, 'one line');
    t.match(
      r.stdout,
      /^gpu-check: stopped - no GPU here \(.+\); run it where an NVIDIA GPU, driver R580\+ and nvcc are installed/,
    );
    t.equal(r.stderr, '');
  },
);
