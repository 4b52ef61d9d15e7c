// The witness against tlog.json's add-checkpoint cases from Go's sumdb (SPEC §8), over real HTTP:
// each case starts a witness on a journal holding its stateBefore (so every case is also a restart
// from disk), checks status, content type and the exact cosignature bytes, and reopens the journal
// to check stateAfter.
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNotePublicKey } from '../../lib/audit/format/checkpoint-note.js';
import { parseCheckpointV2 } from '../../lib/audit/tlog/checkpoint.js';
import { nodeSealingCrypto } from '../../lib/audit/write/node-crypto.js';
import { createWitness } from '../../lib/witness/server.js';
import { StateJournal } from '../../lib/witness/state-journal.js';
import { readVectorJson, vectorSources } from '../helpers/vectors.js';

const sha256 = nodeSealingCrypto.sha256;

for (const source of vectorSources()) {
  t.test(`tlog-witness cases (${source.label})`, { skip: source.skip }, async (t) => {
    const v = readVectorJson(source, 'tlog.json');
    const w = v.witness;
    const key = readFileSync(join(source.dir, 'tlog/witness-w1.key'), 'utf8');
    const logKey = parseNotePublicKey(readFileSync(join(source.dir, 'tlog/worker-9.audit.pub'), 'utf8'), sha256);
    // The roots a state of that size means: the vectors' tree at 256 (the "first" note) and 1000.
    const rootAt = new Map<number, string>();
    for (const c of w.cases) {
      const cp = parseCheckpointV2(c.request.slice(c.request.indexOf('\n\n') + 2));
      if (c.expectStatus === 200) rootAt.set(cp.size, Buffer.from(cp.root).toString('base64'));
    }
    t.equal(rootAt.size, 2, 'the 200 cases name the roots at 256 and 1000');
    for (const c of w.cases) {
      await t.test(c.name, async (t) => {
        const dir = mkdtempSync(join(tmpdir(), 'witness-vec-'));
        const statePath = join(dir, 'state.jsonl');
        if (c.stateBefore !== null)
          writeFileSync(
            statePath,
            `${JSON.stringify({ origin: w.origin, size: c.stateBefore, root: rootAt.get(c.stateBefore) })}\n`,
          );
        const witness = createWitness({
          privateKeyPem: key,
          name: w.witnessName,
          logs: new Map([[w.origin, logKey]]),
          statePath,
          now: () => w.timestamp,
        });
        const { port } = await witness.listen(0, '127.0.0.1');
        const res = await fetch(`http://127.0.0.1:${port}/add-checkpoint`, { method: 'POST', body: c.request });
        const body = await res.text();
        await witness.close();
        t.equal(res.status, c.expectStatus, `status ${c.expectStatus} (${body.trim().slice(0, 120)})`);
        if (c.expectBody !== undefined) t.equal(body, c.expectBody, 'body byte for byte');
        if (c.expectContentType !== undefined) t.equal(res.headers.get('content-type'), c.expectContentType);
        const after = StateJournal.open(statePath);
        t.equal(after.get(w.origin)?.size ?? null, c.stateAfter, `state after: ${c.stateAfter}`);
        after.close();
      });
    }
  });
}
