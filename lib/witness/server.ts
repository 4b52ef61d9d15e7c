// The witness over HTTP (node:http): `POST <prefix>/add-checkpoint` as SPEC §8 and C2SP
// tlog-witness say. Bodies are capped while they stream in; a 200 is sent only after the new state
// is on disk, and every answer that read the state waits until what it read is durable.
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError, KeyError } from '../errors.js';
import { assertInstance, assertObject, assertString } from '../formats/args.js';
import type { NotePublicKey } from '../audit/format/checkpoint-note.js';
import { cosignatureLine, noteKeyIdOf } from '../audit/tlog/checkpoint.js';
import { nodeSealingCrypto, nodeVerifyEd25519 } from '../audit/write/node-crypto.js';
import { encodeBase64 } from '../wasm/base64.js';
import { checkAddCheckpoint, type CosignedState, MAX_BODY_BYTES, type WitnessAnswer } from './add-checkpoint.js';
import { StateJournal } from './state-journal.js';

/** How a witness is set up. */
export interface WitnessOptions {
  /** The witness's Ed25519 private key (PKCS#8 PEM text). Never logged. */
  privateKeyPem: string;
  /** The witness's key name, written in its cosignature lines (e.g. `witness.example/w1`). */
  name: string;
  /** Trusted logs: origin → the log's public key. */
  logs: ReadonlyMap<string, NotePublicKey>;
  /** The state journal's path. */
  statePath: string;
  /** URL path prefix before `/add-checkpoint` (default ''). */
  prefix?: string;
  /** The cosigning clock, POSIX seconds (default: now). */
  now?: () => number;
}

/** A witness serving add-checkpoint; `close()` stops it and closes its journal. */
export interface Witness {
  readonly server: Server;
  /** The verifier key others use for this witness: `<name>+<key ID>+<base64(0x04 ‖ key)>`. */
  readonly verifierKey: string;
  /** Counts since start. */
  readonly stats: { cosigned: number; refused: number };
  /** Start serving on `host:port` (port 0: any free port); resolves with the address bound. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stop serving (open connections are closed) and close the state journal. */
  close(): Promise<void>;
}

const sha256 = nodeSealingCrypto.sha256;

/** Make a witness (not yet listening). E_KEY for a key that is not Ed25519, E_WITNESS_STATE for a bad journal. */
export function createWitness(options: WitnessOptions): Witness {
  assertObject(options, 'options');
  assertString(options.privateKeyPem, 'privateKeyPem');
  assertString(options.name, 'name');
  assertString(options.statePath, 'statePath');
  assertInstance(options.logs, Map, 'logs', 'a Map of origin → log public key');
  const key = loadEd25519(options.privateKeyPem);
  const publicRaw = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12));
  if (!/^[^\s+\u2014]+$/.test(options.name)) throw new InvalidArgumentError('name', 'a key name has no spaces or "+"');
  const prefix = options.prefix ?? '';
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const journal = StateJournal.open(options.statePath);
  const stats = { cosigned: 0, refused: 0 };
  const policy = {
    logs: options.logs,
    stateOf: (o: string) => journal.get(o),
    record: (o: string, s: CosignedState) => journal.commit(o, s),
    settled: () => journal.settled(),
    sha256,
    verifyEd25519: nodeVerifyEd25519,
  };
  const signWith = (m: Uint8Array) => new Uint8Array(sign(null, m, key));

  async function answer(body: string): Promise<WitnessAnswer> {
    const verdict = await checkAddCheckpoint(body, policy);
    if (!verdict.accept) {
      await journal.settled();
      return verdict;
    }
    const { checkpoint, durable } = verdict.accept;
    await durable;
    const line = cosignatureLine(sha256, options.name, publicRaw, now(), checkpoint.body, signWith);
    return { ...verdict, body: line };
  }

  const server = createServer((req, res) => {
    if (req.url !== `${prefix}/add-checkpoint`) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'use POST\n');
    readCapped(req, MAX_BODY_BYTES)
      .then(
        async (body) => {
          if (body === null) {
            stats.refused++;
            return send(res, 400, 'text/plain; charset=utf-8', `the body is over ${MAX_BODY_BYTES} bytes\n`, true);
          }
          const a = await answer(body);
          if (a.status === 200) stats.cosigned++;
          else stats.refused++;
          send(res, a.status, a.contentType, a.body);
        },
        () => send(res, 400, 'text/plain; charset=utf-8', 'the body could not be read\n', true),
      )
      .catch((err: Error) => send(res, 500, 'text/plain; charset=utf-8', `${err.message}\n`));
  });

  const keyId = noteKeyIdOf(sha256, options.name, 0x04, publicRaw);
  const verifierKey = `${options.name}+${Buffer.from(keyId).toString('hex')}+${encodeBase64(new Uint8Array([0x04, ...publicRaw]))}`;
  return {
    server,
    verifierKey,
    stats,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          journal.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function loadEd25519(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new KeyError('key', 'is not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyError('key', 'a witness cosigns with an Ed25519 key');
  return key;
}

/** The body as text, or null once it passes `cap` bytes (the rest is not read). */
function readCapped(req: IncomingMessage, cap: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > cap) {
        req.removeAllListeners('data');
        req.pause();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string, close = false): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}
