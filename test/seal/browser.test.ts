// `vram-residency/wasm` in a real browser: headless Chromium loads dist/browser/index.js as an ES
// module from a loopback server, verifies a seal record and a fetched byte stream, and posts back.
import t from 'tap';
import { CHROMIUM, NO_CHROMIUM, runInChromium } from '../helpers/chromium.js';
import { patternBytes, readVectorJson, vectorSources } from '../helpers/vectors.js';

const page = `<!doctype html><meta charset="utf-8"><script type="module">
import { verifySealRecord, createSealedStreamVerifier } from '/dist/browser/index.js';
const post = (body) => fetch('/result', { method: 'POST', body: JSON.stringify(body) });
try {
  const v = await (await fetch('/vectors')).json();
  const out = { recordShardId: null, streamShardId: null, tampered: null, wrongKey: null, loneSurrogate: null };
  out.recordShardId = (await verifySealRecord(v.good[0].record, { token: v.token })).shardId;
  const verifier = await createSealedStreamVerifier(v.good[0].record, { token: v.token });
  const reader = (await fetch('/data')).body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) verifier.update(r.value);
  out.streamShardId = verifier.finish().shardId;
  const bad = await createSealedStreamVerifier(v.good[0].record, { token: v.token });
  const bytes = new Uint8Array(await (await fetch('/data')).arrayBuffer());
  bytes[131072] ^= 1;
  bad.update(bytes);
  try { bad.finish(); } catch (e) { out.tampered = e.reason; }
  try { await verifySealRecord(v.good[0].record, { token: v.wrongToken.token }); } catch (e) { out.wrongKey = e.reason; }
  try { await verifySealRecord(v.good[0].record, { token: v.token + '\\ud800' }); } catch (e) { out.loneSurrogate = e.code; }
  await post({ ok: true, ...out });
} catch (e) {
  await post({ ok: false, error: String(e && e.stack || e) });
}
</script>`;

const [source] = vectorSources().filter((s) => !s.skip);

t.test(
  'verifies a seal record and a byte stream in headless Chromium',
  { skip: CHROMIUM ? false : NO_CHROMIUM },
  async (t) => {
    const vectors = readVectorJson(source!, 'seal.json');
    const data = patternBytes(vectors.good[0].dataSize);
    const answer = await runInChromium(page, {
      '/vectors': { type: 'application/json', body: JSON.stringify(vectors) },
      '/data': { type: 'application/octet-stream', body: data },
    });
    t.same(answer, {
      ok: true,
      recordShardId: vectors.good[0].record.shardId,
      streamShardId: vectors.good[0].record.shardId,
      tampered: 'digest mismatch',
      wrongKey: 'wrong key',
      loneSurrogate: 'E_ARG', // issue 10 #1: would collide with U+FFFD
    });
  },
);
