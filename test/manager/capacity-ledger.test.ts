import t from 'tap';
import fc from 'fast-check';
import { CapacityLedger } from '../../lib/manager/capacity-ledger.js';
import { InsufficientVramError } from '../../lib/errors.js';

t.test('reservations never over-commit, whatever the interleaving', async () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000 }),
      fc.array(
        fc.record({
          op: fc.constantFrom('reserve', 'commit', 'cancel', 'release'),
          bytes: fc.integer({ min: 1, max: 4000 }),
          pick: fc.nat(),
        }),
        { maxLength: 80 },
      ),
      (total, ops) => {
        let deviceUsed = 0; // what a device would report as allocated
        const ledger = new CapacityLedger(() => ({ free: total - deviceUsed, total }), total);
        const open: { r: ReturnType<CapacityLedger['reserve']> }[] = [];
        const live: number[] = [];
        for (const { op, bytes, pick } of ops) {
          if (op === 'reserve') {
            try {
              open.push({ r: ledger.reserve(bytes) });
            } catch (e) {
              if (!(e instanceof InsufficientVramError) || !e.retriable) return false;
            }
          } else if (op === 'commit' && open.length > 0) {
            const [{ r }] = open.splice(pick % open.length, 1) as [{ r: ReturnType<CapacityLedger['reserve']> }];
            deviceUsed += r.bytes;
            r.commit();
            live.push(r.bytes);
          } else if (op === 'cancel' && open.length > 0) {
            open.splice(pick % open.length, 1)[0]!.r.cancel();
          } else if (op === 'release' && live.length > 0) {
            const b = live.splice(pick % live.length, 1)[0]!;
            deviceUsed -= b;
            ledger.released(b);
          }
          const s = ledger.snapshot();
          if (s.used + s.reserved > total || s.used !== live.reduce((a, b) => a + b, 0)) return false;
        }
        return true;
      },
    ),
  );
});

t.test('maxTotalBytes caps the manager below the device', async (t) => {
  const ledger = new CapacityLedger(() => ({ free: 1000, total: 1000 }), 300);
  const r = ledger.reserve(200);
  const err = t.throws(() => ledger.reserve(101)) as InsufficientVramError;
  t.equal(err.code, 'E_INSUFFICIENT_VRAM');
  t.equal(err.availableBytes, 100);
  t.equal(err.neededBytes, 101);
  r.cancel();
  r.cancel(); // idempotent
  t.same(ledger.snapshot(), { total: 1000, free: 1000, used: 0, reserved: 0, max: 300 });
});
