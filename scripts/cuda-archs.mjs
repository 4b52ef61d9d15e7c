#!/usr/bin/env node
// The GPU architectures the addon carries code for: SASS for every listed sm (Turing T4 ... Blackwell
// B200/RTX 50) plus PTX of the newest, which the driver JIT-compiles for GPUs newer than the list.
// binding.gyp reads the nvcc flags from here (`node scripts/cuda-archs.mjs`), and so does
// scripts/ptxas-report.mjs, so the two cannot disagree.
import { fileURLToPath } from 'node:url';

export const SASS_ARCHS = [75, 80, 86, 89, 90, 100, 120];
export const PTX_ARCH = 120;

export function gencodeFlags() {
  const flags = SASS_ARCHS.map((sm) => `-gencode=arch=compute_${sm},code=sm_${sm}`);
  flags.push(`-gencode=arch=compute_${PTX_ARCH},code=compute_${PTX_ARCH}`);
  return flags;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(gencodeFlags().join(' '));
