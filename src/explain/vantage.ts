import type { Connection } from '../tcp/connection.ts';
import { hopsFromTtl } from './host-profiles.ts';

/**
 * Where the capture was taken, relative to one connection, judged from hop counts: a host's own
 * packets leave with an initial TTL (64, 128, 255…) and arrive at a capture on the same host or
 * segment undiminished, while the far side's packets arrive decremented by the hops between.
 * - client: the client's packets show 0 hops, the server's more;
 * - server: the reverse;
 * - local: both 0 hops (same host or same L2 segment): distances tell nothing;
 * - between: both decremented (a tap or router in the middle);
 * - unknown: not enough packets.
 */
export type Vantage = 'client' | 'server' | 'local' | 'between' | 'unknown';

export function vantageOf(c: Connection): Vantage {
  const ct = c.client.ttlMode;
  const st = c.server.ttlMode;
  if (ct < 0 || st < 0) {
    if (ct >= 0 && hopsFromTtl(ct) === 0) return 'client';
    if (st >= 0 && hopsFromTtl(st) === 0) return 'server';
    return 'unknown';
  }
  const ch = hopsFromTtl(ct);
  const sh = hopsFromTtl(st);
  if (ch === 0 && sh === 0) return 'local';
  if (ch === 0) return 'client';
  if (sh === 0) return 'server';
  return 'between';
}
