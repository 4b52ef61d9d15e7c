// SPEC vectors from the independent implementation: every tree.json case and seal.json's key,
// kid, MAC inputs and MACs, against both vector sources.
import t from 'tap';
import { loadWasm, type SealRecordFields } from '../../lib/wasm/index.js';
import type { WasmSealKey } from '../../lib/wasm/seal-key.js';
import { patternBytes, readVectorJson, vectorSources } from '../helpers/vectors.js';
import { hex } from '../helpers/oracle.js';

interface TreeCase {
  leafSize: number;
  size: number;
  digest: string;
  contentSha256: string;
}
interface SealVectors {
  token: string;
  key: string;
  kid: string;
  good: { record: SealRecordFields & { format: string; mac: string }; macInputHex: string }[];
}

const wasm = await loadWasm();

for (const source of vectorSources()) {
  t.test(`tree.json (${source.label})`, { skip: source.skip }, async (t) => {
    const { cases } = readVectorJson<{ cases: TreeCase[] }>(source, 'tree.json');
    t.ok(cases.length > 0, 'has cases');
    const data = patternBytes(Math.max(...cases.map((c) => c.size)));
    for (const c of cases) {
      const bytes = data.subarray(0, c.size);
      const label = `L=${c.leafSize} n=${c.size}`;
      t.equal(hex(wasm.mthSha256(bytes, c.leafSize)), c.digest, `${label} mth-sha256`);
      t.equal(hex(wasm.sha256(bytes)), c.contentSha256, `${label} sha256`);
      t.equal(hex(wasm.combineLeafHashes(wasm.hashLeaves(bytes, c.leafSize))), c.digest, `${label} via leaf hashes`);
    }
  });

  t.test(`seal.json (${source.label})`, { skip: source.skip }, async (t) => {
    const v = readVectorJson<SealVectors>(source, 'seal.json');
    const key = wasm.sealKey(v.token) as WasmSealKey;
    t.equal(key.kid, v.kid, 'kid');
    t.equal(hex(key.exportKeyForTests()), v.key, 'derived key');
    t.ok(v.good.length > 0, 'has good records');
    for (const [i, g] of v.good.entries()) {
      t.equal(hex(wasm.sealMacInput(g.record)), g.macInputHex, `good[${i}] MAC input`);
      t.equal(key.mac(g.record), g.record.mac, `good[${i}] mac`);
    }
    key.dispose();
  });
}
