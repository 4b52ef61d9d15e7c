// Before its first publish the shipper reads the whole local range it is about to ship and checks
// it: seq continuity and prev links (the follower's checks) and one service throughout. A log that
// mixes services (two writers in one directory) fails here, with nothing published.
import { AuditLogCorruptError } from '../errors.js';
import { LogFollower } from './follower.js';

const BATCH = 4096;

/** Reads records fromSeq… up to the current end; E_AUDIT_CORRUPT at the first record that breaks the chain or names another service. */
export async function checkLocalRange(dir: string, fromSeq: number, service: string): Promise<number> {
  const follower = new LogFollower(dir);
  try {
    if ((await follower.seek(fromSeq, null)) === 'behind') return 0;
    let checked = 0;
    for (;;) {
      const recs = follower.take(BATCH);
      if (recs.length === 0) return checked;
      for (const rec of recs) {
        if (rec.service !== service)
          throw new AuditLogCorruptError(
            `${dir}: record ${rec.seq} names service "${rec.service}", but the log's records before it name "${service}": one log directory per service; nothing was published (move the second service's records to their own directory)`,
          );
      }
      checked += recs.length;
    }
  } finally {
    follower.close();
  }
}
