// Seal attestations in a real browser with `vram-residency/wasm` alone: headless Chromium verifies
// the attest.json vectors (Ed25519, P-256) and P-384 / P-521 bundles made by the independent
// node:crypto signer, streams the attested bytes, and reports each tamper class's reason.
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { CHROMIUM, NO_CHROMIUM, runInChromium } from '../helpers/chromium.js';
import { indepSealStatement, indepSign } from '../helpers/independent-dsse.js';
import { patternBytes, readVectorJson, vectorSources } from '../helpers/vectors.js';

const page = `<!doctype html><meta charset="utf-8"><script type="module">
import { verifySealBundle, createSealBundleStreamVerifier } from '/dist/browser/index.js';
const post = (body) => fetch('/result', { method: 'POST', body: JSON.stringify(body) });
const reasonOf = (p) => p.then(() => 'ok', (e) => e.reason ?? String(e));
try {
  const { vectors: v, extra } = await (await fetch('/cases')).json();
  const out = { good: [], bad: [], extra: [], stream: null, tampered: null };
  for (const g of v.good) out.good.push(await reasonOf(verifySealBundle(g.bundle, { publicKey: v.keys[g.publicKey].public })));
  for (const b of v.bad) {
    const bytes = new Uint8Array(await (await fetch('/data')).arrayBuffer());
    out.bad.push(await reasonOf((async () => {
      const s = await createSealBundleStreamVerifier(b.bundle, { publicKey: v.keys[b.publicKey].public });
      s.update(bytes);
      s.finish();
    })()));
  }
  for (const x of extra) out.extra.push(await reasonOf(verifySealBundle(x.bundle, { publicKey: x.publicKey })));
  const verifier = await createSealBundleStreamVerifier(JSON.stringify(v.good[1].bundle), { publicKey: v.keys.p256.public });
  const reader = (await fetch('/data')).body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) verifier.update(r.value);
  out.stream = verifier.finish().size;
  const bytes = new Uint8Array(await (await fetch('/data')).arrayBuffer());
  bytes[70000] ^= 4;
  out.tampered = await reasonOf((async () => {
    const s = await createSealBundleStreamVerifier(v.good[0].bundle, { publicKey: v.keys.ed25519.public });
    s.update(bytes);
    s.finish();
  })());
  await post({ ok: true, ...out });
} catch (e) {
  await post({ ok: false, error: String(e && e.stack || e) });
}
</script>`;

const [source] = vectorSources().filter((s) => !s.skip);

t.test(
  'verifies seal attestations in headless Chromium with vram-residency/wasm alone',
  { skip: CHROMIUM ? false : NO_CHROMIUM },
  async (t) => {
    const vectors = readVectorJson(source!, 'attest.json');
    const record = JSON.parse(Buffer.from(vectors.good[0].bundle.dsseEnvelope.payload, 'base64').toString()).predicate;
    const extra = [];
    for (const namedCurve of ['secp384r1', 'secp521r1']) {
      const pair = generateKeyPairSync('ec', { namedCurve });
      const publicKey = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const bundle = indepSign(
        indepSealStatement(record),
        pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      );
      extra.push({ bundle, publicKey });
      const flipped = structuredClone(bundle);
      const payload = Buffer.from(flipped.dsseEnvelope.payload, 'base64');
      payload[payload.indexOf('worker-1') + 7] = 0x32; // worker-2: still a valid record, no longer signed
      flipped.dsseEnvelope.payload = payload.toString('base64');
      extra.push({ bundle: flipped, publicKey });
    }
    const answer = await runInChromium(page, {
      '/cases': { type: 'application/json', body: JSON.stringify({ vectors, extra }) },
      '/data': { type: 'application/octet-stream', body: patternBytes(200000) },
    });
    t.same(answer, {
      ok: true,
      good: vectors.good.map(() => 'ok'),
      bad: vectors.bad.map((b: { expect: string }) => b.expect),
      extra: ['ok', 'signature mismatch', 'ok', 'signature mismatch'],
      stream: 200000,
      tampered: 'digest mismatch',
    });
  },
);
