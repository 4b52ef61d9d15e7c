// Shared helpers for the audit tests.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, type ILogObj } from 'tslog';
import type { AuditEvent } from '../../lib/audit/index.js';
import { leafHash, TreeFrontier } from '../../lib/audit/tlog/index.js';
import { sha256Bytes } from '../../lib/audit/write/node-crypto.js';
import { listSegments } from '../../lib/audit/write/segments.js';

export const quietLog = new Logger<ILogObj>({ type: 'hidden' });

export function freshDir(t: { teardown(fn: () => void): void }, name = 'log'): string {
  const base = mkdtempSync(join(tmpdir(), 'vr-audit-'));
  void t;
  return join(base, name);
}

export function verifiedEvent(i: number): AuditEvent {
  return {
    type: 'seal.verified',
    data: { timestamp: '2026-11-23T19:01:46.000Z', shard_id: `shard-${i}`, worker_id: 'worker-1' },
  };
}

export function criticalEvent(i: number): AuditEvent {
  return {
    type: 'seal.verification_failed',
    data: {
      timestamp: '2026-11-23T19:01:47.000Z',
      shard_id: `shard-${i}`,
      reason: 'digest_mismatch',
      expected_digest: 'ab'.repeat(32),
      actual_digest: null,
      worker_id: 'worker-1',
      severity: 'critical',
    },
  };
}

/** Polls `pred` every 10 ms for up to `ms`; the last answer. */
export async function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return pred();
}

/** Node arguments that run a TypeScript child: transpiled by esbuild, a tenth of ts-node's start-up. */
export const tsLoaderArgs: string[] = [`--import=${new URL('../helpers/fast-ts-loader.mjs', import.meta.url).href}`];

/** The stored hashes of a tree built from the segments alone (leaf, then completed parents), as the tree file should hold them. */
export function expectedTreeBytes(dir: string): { bytes: Buffer; size: number; root: Uint8Array } {
  const frontier = new TreeFrontier(sha256Bytes);
  const parts: Uint8Array[] = [];
  for (const seg of listSegments(dir)) {
    for (const line of readFileSync(join(dir, seg.name), 'utf8').split('\n')) {
      if (line) parts.push(...frontier.append(leafHash(sha256Bytes, Buffer.from(JSON.parse(line).hash, 'hex'))));
    }
  }
  return { bytes: Buffer.concat(parts), size: frontier.size, root: frontier.root() };
}
