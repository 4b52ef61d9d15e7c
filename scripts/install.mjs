#!/usr/bin/env node
// The package's install script. In a git checkout (development) it builds the addon from source
// as before (a failed build fails the install). In an installed package it compiles only when no
// prebuilt addon fits this platform, and a failed compile is not an error: the package then runs
// without the addon (offline verification uses WASM) and says so in one line.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const platform = `${process.platform}-${process.arch}`;
const prebuild = join(root, 'prebuilds', platform, 'vram_residency.cuda.node');
const checkout = existsSync(join(root, '.git'));

function loads(file) {
  return (
    spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)}).status()`], { stdio: 'ignore' }).status === 0
  );
}

function nodeGypRebuild(stdio) {
  const nodeGyp = process.env.npm_config_node_gyp; // npm's bundled node-gyp (node-gyp-bin/node-gyp.js)
  const [command, args] = nodeGyp ? [process.execPath, [nodeGyp, 'rebuild']] : ['node-gyp', ['rebuild']];
  const r = spawnSync(command, args, { cwd: root, stdio, shell: false });
  return r.error
    ? `node-gyp could not run (${r.error.code ?? r.error.message})`
    : r.status === 0
      ? null
      : `node-gyp exited ${r.status}`;
}

if (checkout) {
  const failure = nodeGypRebuild('inherit');
  if (failure) {
    console.error(`vram-residency: building the addon failed (${failure})`);
    process.exit(1);
  }
  process.exit(0);
}
if (existsSync(prebuild) && loads(prebuild)) {
  console.log(`vram-residency: using the prebuilt addon for ${platform} (CUDA, no compiler needed)`);
  process.exit(0);
}
const failure = nodeGypRebuild(['ignore', 'ignore', 'pipe']);
if (failure) {
  console.log(
    `vram-residency: no prebuilt addon for ${platform} and no local build (${failure}); the package works without it: offline verification uses WASM`,
  );
} else {
  console.log(`vram-residency: no prebuilt addon for ${platform}; built the addon from source`);
}
