// The writer's ids (SPEC §4: UUIDv7, unique and increasing within a writer): the generator writes
// their characters by hand, so their form, order and embedded time are checked here directly.
import t from 'tap';
import fc from 'fast-check';
import { UUID7_PATTERN, Uuid7Generator, uuid7Millis } from '../../lib/audit/format/uuid7.js';

t.test('ids are RFC 9562 v7, strictly increasing and carry their millisecond, whatever the clock does', async (t) => {
  // Clock steps: forward, standing still (thousands per ms exhaust the 12-bit counter), or back.
  const step = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: -5_000, max: -1 }));
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 47 }),
      fc.array(step, { minLength: 1, maxLength: 6000, size: 'max' }),
      (start, steps) => {
        const gen = new Uuid7Generator();
        let ms = start;
        let prev = '';
        let clockMax = -1;
        for (const s of steps) {
          ms = Math.max(0, ms + s);
          clockMax = Math.max(clockMax, ms);
          const id = gen.next(ms);
          if (!UUID7_PATTERN.test(id)) throw new Error(`not a UUIDv7: ${id}`);
          if (!(id > prev)) throw new Error(`${id} does not sort after ${prev}`);
          // The embedded time is the clock's highest so far, or a little past it when the counter ran out.
          const embedded = uuid7Millis(id);
          if (embedded < clockMax || embedded > clockMax + steps.length / 2048 + 1)
            throw new Error(`id ${id} embeds ${embedded}, clock at ${clockMax}`);
          prev = id;
        }
        return true;
      },
    ),
    { numRuns: 100 },
  );
  t.pass('100 clock histories of up to 6000 ids');
});

t.test('the id text matches the millisecond and the counter as toString(16) writes them', async (t) => {
  const gen = new Uuid7Generator();
  const ms = 0x0192_f3a4_5678;
  const first = gen.next(ms);
  t.equal(first.slice(0, 8) + first.slice(9, 13), ms.toString(16).padStart(12, '0'), 'time field');
  const counter = parseInt(first.slice(15, 18), 16);
  const second = gen.next(ms);
  t.equal(parseInt(second.slice(15, 18), 16), counter + 1, 'the counter advances within a millisecond');
  t.equal(second[14], '7', 'version 7');
  t.match(second[19], /[89ab]/, 'RFC 9562 variant');
});

t.test(
  '5000 ids in one millisecond run past the 12-bit counter into the next millisecond, still in order',
  async (t) => {
    const gen = new Uuid7Generator();
    const ids = Array.from({ length: 5000 }, () => gen.next(1_000_000));
    t.ok(
      ids.every((id, i) => UUID7_PATTERN.test(id) && (i === 0 || id > ids[i - 1]!)),
      'valid and increasing',
    );
    t.ok(uuid7Millis(ids[4999]!) > 1_000_000, 'the counter borrowed the next millisecond');
    t.equal(new Set(ids).size, 5000, 'no repeats');
  },
);
