// The shipper reads JetStream's publish acknowledgements in place, byte by byte (one per record);
// whatever the bytes, it must answer what JSON.parse of them says, or fall back to it.
import t from 'tap';
import fc from 'fast-check';
import { parseAck } from '../../lib/fleet/publisher.js';

const enc = (s: string) => new TextEncoder().encode(s);

t.test('acks read in place agree with JSON.parse', async (t) => {
  const streamName = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
  const ack = fc.record({ stream: streamName, seq: fc.maxSafeInteger(), duplicate: fc.boolean() });
  fc.assert(
    fc.property(ack, ({ stream, seq, duplicate }) => {
      const text = JSON.stringify(duplicate ? { stream, seq, duplicate: true } : { stream, seq });
      const got = parseAck(enc(text));
      return got.seq === seq && (got.duplicate === true) === duplicate && got.error === undefined;
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 plain acks');
});

t.test('anything but a plain ack goes to JSON.parse: errors, domains, other members, junk', async (t) => {
  const error = '{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 5"},"stream":"S","seq":0}';
  t.same(parseAck(enc(error)), JSON.parse(error), 'an error ack');
  const domain = '{"stream":"S","domain":"hub","seq":7}';
  t.same(parseAck(enc(domain)), JSON.parse(domain), 'an ack with a domain');
  for (const near of ['{"stream":"S","seq":7,"duplicate":false}', '{"stream":"S","seq":7 }', '{"stream":"S","seq":}'])
    t.throws(() => parseAck(enc(near + 'x')), SyntaxError, `not JSON is not read as an ack: ${near}x`);
  t.same(parseAck(enc('{"stream":"S","seq":7,"duplicate":false}')), { stream: 'S', seq: 7, duplicate: false });
  t.throws(() => parseAck(enc('{"stream":"S","seq":07}')), SyntaxError, 'a leading zero is not JSON');
});
