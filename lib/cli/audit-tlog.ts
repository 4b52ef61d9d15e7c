// `audit prove`, `audit verify-proof` and `audit tiles` (SPEC §8): an inclusion proof for one
// record against a v2 checkpoint, its offline check with the log's public key (and witnesses'
// keys with a quorum), and the log published as C2SP tlog-tiles static files.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { proveRecord } from '../audit/verify/prove.js';
import { writeTiles } from '../audit/verify/tiles-dir.js';
import { MAX_PROOF_BYTES } from '../audit/tlog/proof-file.js';
import { verifyRecordProof } from '../audit/tlog/verify-record-proof.js';
import { nodeSealingCrypto } from '../audit/write/node-crypto.js';
import { FileIoError, InvalidArgumentError } from '../errors.js';
import { proveFromStream } from '../fleet/prove.js';
import { addNatsIdentityOptions, natsCredentialsOf, type NatsIdentityFlags } from './nats-flags.js';
import { CheckFailed } from './exit.js';
import type { Reporter } from './reporter.js';
import { parseIntArg, runCommand } from './run.js';
import { readSmallFile } from './small-file.js';

const KEY_BYTES = 64 * 1024;
const collect = (v: string, all: string[] = []) => [...all, v];

/** Adds `prove`, `verify-proof` and `tiles` to the `audit` command. */
export function registerAuditTlog(audit: Command): void {
  registerProve(audit);
  registerVerifyProof(audit);
  registerTiles(audit);
}

function registerProve(audit: Command): void {
  const prove = audit
    .command('prove')
    .description('write an inclusion proof (C2SP tlog-proof@v1) for one record against a v2 checkpoint')
    .argument('[dir]', 'the audit log directory (or --nats to prove from the fleet stream)')
    .requiredOption('--seq <n>', "the record's seq")
    .option('--size <n>', 'the size of the checkpoint to prove against (default: the newest)')
    .requiredOption('--out <file>', 'where to write the .tlog-proof file')
    .option('--nats <url>', 'prove from a JetStream stream: the records and verified v2 notes of --service')
    .option('--stream <name>', 'with --nats: the stream', 'VRAM_AUDIT')
    .option('--service <name>', 'with --nats: the service whose record is proved')
    .option('--pubkey <file>', "with --nats: the log's public key (only notes it signed are used)")
    .option('--json', 'print one JSON document');
  addNatsIdentityOptions(prove);
  prove.action(
    runCommand(async (reporter: Reporter, dir: string | undefined, opts: ProveFlags) => {
      const seq = parseIntArg('--seq', opts.seq, 0, Number.MAX_SAFE_INTEGER);
      const size = opts.size === undefined ? undefined : parseIntArg('--size', opts.size, 1, Number.MAX_SAFE_INTEGER);
      const proof = opts.nats ? await proveFromNats(dir, seq, size, opts) : proveFromDir(dir, seq, size);
      try {
        writeFileSync(opts.out, proof.text);
      } catch (error) {
        throw new FileIoError(`cannot write ${opts.out}: ${(error as NodeJS.ErrnoException).code}`, error);
      }
      reporter.result({ ok: true, out: opts.out, seq, size: proof.size, checkpoint: proof.checkpoint });
      reporter.line(`wrote ${opts.out}: record ${seq} in the tree of ${proof.size} records (${proof.checkpoint})`);
      return 0;
    }),
  );
}

interface ProveFlags extends NatsIdentityFlags {
  seq: string;
  size?: string;
  out: string;
  nats?: string;
  stream: string;
  service?: string;
  pubkey?: string;
}

function proveFromDir(dir: string | undefined, seq: number, size: number | undefined) {
  if (dir === undefined)
    throw new InvalidArgumentError('dir', 'missing: give the audit log directory, or --nats URL with --service');
  return proveRecord(dir, { seq, ...(size === undefined ? {} : { size }) });
}

async function proveFromNats(dir: string | undefined, seq: number, size: number | undefined, opts: ProveFlags) {
  if (dir !== undefined) throw new InvalidArgumentError('--nats', 'proves from the stream: give no directory with it');
  if (!opts.service) throw new InvalidArgumentError('--service', 'missing: --nats proves a record of one service');
  if (!opts.pubkey)
    throw new InvalidArgumentError('--pubkey', "missing: the log's key decides which notes are trusted");
  const p = await proveFromStream({
    nats: opts.nats!,
    stream: opts.stream,
    service: opts.service,
    seq,
    publicKey: readText('--pubkey', opts.pubkey, KEY_BYTES),
    credentials: natsCredentialsOf(opts),
    ...(size === undefined ? {} : { size }),
  });
  return { text: p.text, size: p.size, checkpoint: `the note at stream sequence ${p.noteStreamSeq}` };
}

function registerVerifyProof(audit: Command): void {
  audit
    .command('verify-proof')
    .description('check a .tlog-proof offline: checkpoint signature, witness cosignatures, the record, the audit path')
    .argument('<file>', 'the .tlog-proof file')
    .requiredOption('--pubkey <file>', "the log's Ed25519 public key (SPKI PEM or C2SP verifier key)")
    .option('--witness-key <file>', "a trusted witness's public key (repeatable)", collect)
    .option('--quorum <k>', 'how many trusted witnesses must have cosigned (default: all given)')
    .option('--json', 'print one JSON document')
    .action(
      runCommand(
        async (reporter: Reporter, file: string, opts: { pubkey: string; witnessKey?: string[]; quorum?: string }) => {
          const witnessKeys = (opts.witnessKey ?? []).map((w) => readText('--witness-key', w, KEY_BYTES));
          const quorum =
            opts.quorum === undefined ? undefined : parseIntArg('--quorum', opts.quorum, 0, witnessKeys.length);
          const verdict = await verifyRecordProof(readSmallFile(file, { flag: 'file', maxBytes: MAX_PROOF_BYTES }), {
            publicKey: readText('--pubkey', opts.pubkey, KEY_BYTES),
            witnessKeys,
            ...(quorum === undefined ? {} : { quorum }),
            sha256: nodeSealingCrypto.sha256,
          });
          if (!verdict.ok) {
            if (reporter.json) {
              reporter.result({ ok: false, reason: verdict.reason, detail: verdict.detail });
              return 1;
            }
            throw new CheckFailed(`${file}: ${verdict.reason}: ${verdict.detail}`, { reason: verdict.reason });
          }
          const r = verdict.record;
          const cp = verdict.checkpoint;
          reporter.result({
            ok: true,
            record: { seq: r.seq, type: r.type, ts: r.ts, service: r.service, severity: r.severity, data: r.data },
            checkpoint: { origin: cp.origin, size: cp.size, signer: verdict.signer },
            cosigners: verdict.cosigners,
          });
          reporter.line(`ok: record ${r.seq} is in ${cp.origin} at size ${cp.size} (signed by ${verdict.signer})`);
          for (const c of verdict.cosigners)
            reporter.line(`cosigned by ${c.name} at ${new Date(c.time * 1000).toISOString()}`);
          reporter.line(`${r.ts}\t${r.type}\t${JSON.stringify(r.data)}`);
          return 0;
        },
      ),
    );
}

function registerTiles(audit: Command): void {
  audit
    .command('tiles')
    .description('write the log as C2SP tlog-tiles static files at its newest v2 checkpoint (incremental)')
    .argument('<dir>', 'the audit log directory')
    .requiredOption('--out <dir>', 'the tiles directory (checkpoint, tile/…)')
    .option('--json', 'print one JSON document')
    .action(
      runCommand(async (reporter: Reporter, dir: string, opts: { out: string }) => {
        const r = writeTiles(dir, opts.out, (done, total) => reporter.warn(`tiles: ${done}/${total}`));
        reporter.result({ ok: true, out: opts.out, ...r });
        reporter.line(`${opts.out}: tiles of ${r.size} records (${r.written} files written, ${r.kept} kept)`);
        return 0;
      }),
    );
}

function readText(flag: string, path: string, maxBytes: number): string {
  return readSmallFile(path, { flag, maxBytes }).toString('utf8');
}
