// An inclusion proof (SPEC §8, C2SP tlog-proof@v1) for a record of a service, from the stream
// alone: the records of vram.audit.<service> in order build the tree, the checkpoint is the newest
// v2 note on vram.checkpoint.<service> whose signature verifies (and whose root the records give),
// and the record's line as stored travels in `extra`. What the central verifier trusts, the proof
// carries: nothing unsigned.
import { InvalidArgumentError } from '../errors.js';
import { parseNotePublicKey } from '../audit/format/checkpoint-note.js';
import { formatRecordProof, hexToBytes } from '../audit/tlog/proof-file.js';
import { inclusionProof, MemoryTree } from '../audit/tlog/tree.js';
import { nodeSealingCrypto } from '../audit/write/node-crypto.js';
import { encodeBase64 } from '../wasm/base64.js';
import { openNats, parseNatsUrls, type NatsCredentials } from './connect.js';
import { readServiceNotes, type TrustedCheckpoint } from './note-trust.js';
import { permissionError } from './permissions.js';
import { ensureAuditStream, openManager, subjectCounts } from './stream.js';
import { subjectMessages } from './stream-records.js';
import { recordAt } from './stored-record.js';
import { assertStreamName, auditSubject, checkpointSubject, DEFAULT_STREAM } from './subjects.js';

export interface StreamProofOptions {
  nats: string;
  credentials?: NatsCredentials;
  stream?: string;
  service: string;
  /** The record's seq. */
  seq: number;
  /** The log's Ed25519 public key (PEM or C2SP vkey): only notes it signed are used. */
  publicKey: string;
  /** Prove against the verified v2 note of this size (default: the newest the records reach). */
  size?: number;
}

export interface StreamProof {
  /** The `.tlog-proof` text. */
  text: string;
  seq: number;
  /** The checkpoint's size, and the stream sequence of its note. */
  size: number;
  noteStreamSeq: number;
}

/** Build the proof from the stream; E_ARG when no verified v2 note covers the record. */
export async function proveFromStream(opts: StreamProofOptions): Promise<StreamProof> {
  const urls = parseNatsUrls(opts.nats);
  const stream = assertStreamName(opts.stream ?? DEFAULT_STREAM);
  const subject = auditSubject(opts.service);
  const key = parseNotePublicKey(opts.publicKey, nodeSealingCrypto.sha256, '--pubkey');
  const nc = await openNats(urls, { name: 'vram-residency audit prove', credentials: opts.credentials });
  try {
    const jsm = await openManager(nc, urls.join(','));
    await ensureAuditStream(jsm, { name: stream, create: false });
    const counts = await subjectCounts(jsm, stream, subject);
    const noteCounts = await subjectCounts(jsm, stream, checkpointSubject(opts.service));
    const notes = await readServiceNotes(
      nc,
      stream,
      opts.service,
      noteCounts[checkpointSubject(opts.service)] ?? 0,
      key,
    );
    const tree = new MemoryTree(nodeSealingCrypto.sha256);
    let line: Uint8Array | null = null;
    for await (const m of subjectMessages(nc, stream, subject, counts[subject] ?? 0)) {
      const place = recordAt(m.data);
      if (!place || place.seq !== tree.size) break; // the tree holds the records in order, without gaps
      tree.appendEntry(hexToBytes(place.hash));
      if (place.seq === opts.seq) line = m.data;
    }
    if (line === null)
      throw new InvalidArgumentError('--seq', `record ${opts.seq} of ${opts.service} is not on the stream in order`);
    const note = chooseNote(notes.trusted, tree, opts);
    const text = formatRecordProof({
      extra: line,
      index: opts.seq,
      path: inclusionProof(nodeSealingCrypto.sha256, tree.source, opts.seq, note.size),
      checkpoint: note.text,
    });
    return { text, seq: opts.seq, size: note.size, noteStreamSeq: note.streamSeq };
  } catch (err) {
    throw permissionError(err, 'reading the stream');
  } finally {
    await nc.close().catch(() => {});
  }
}

/** The newest verified v2 note past the record whose root the stream's records give (or the one asked for). */
function chooseNote(
  trusted: TrustedCheckpoint[],
  tree: MemoryTree,
  opts: StreamProofOptions,
): TrustedCheckpoint & { text: string } {
  const usable = trusted
    .filter((c) => c.root !== null && c.text !== undefined && c.size > opts.seq && c.size <= tree.size)
    .filter((c) => encodeBase64(tree.root(c.size)) === c.root)
    .filter((c) => opts.size === undefined || c.size === opts.size)
    .sort((a, b) => b.size - a.size);
  const best = usable[0];
  if (!best)
    throw new InvalidArgumentError(
      opts.size === undefined ? '--seq' : '--size',
      `no v2 checkpoint of ${opts.service} signed by the given key covers record ${opts.seq}${opts.size === undefined ? '' : ` at size ${opts.size}`} and matches the stream's records`,
    );
  return best as TrustedCheckpoint & { text: string };
}
