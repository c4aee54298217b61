import { hopsFromTtl } from '../host-profiles.ts';
import type { ConnectionSketch } from '../sketch.ts';
import type { ConnectionMatch } from './correlate.ts';

/**
 * Where captures sit along the path, client side first. Each pair of captures sharing connections
 * is compared connection by connection: hop counts first (a packet loses one TTL per router, so
 * the capture where a side's packets show fewer hops is nearer that side), then the clock
 * alignment's orientation (a capture nearer the client sees client packets earlier and server
 * packets later than one nearer the server). The order sorts captures by how many others they lie
 * beyond; captures nothing tells apart keep their vantage class and input order.
 */

/** The user's `--at` positions: 0 client side, 1 between, 2 server side. */
export type DeclaredRank = ReadonlyMap<number, number>;

/**
 * Whether capture `there` lies nearer the client (fromClient) or the server than capture `here`
 * for this connection: by the TTL of that side's packets (fewer hops = nearer), then of the other
 * side's, then by the handshake gap (SYN→SYN-ACK is a full round trip at the client, nearly nothing
 * at the server). null when nothing tells them apart.
 */
export function nearerTo(
  fromClient: boolean,
  here: ConnectionSketch,
  there: ConnectionSketch,
): boolean | null {
  const own = (s: ConnectionSketch) => (fromClient ? s.clientTtl : s.serverTtl);
  const other = (s: ConnectionSketch) => (fromClient ? s.serverTtl : s.clientTtl);
  if (own(here) >= 0 && own(there) >= 0 && own(here) !== own(there)) return own(there) > own(here);
  if (other(here) >= 0 && other(there) >= 0 && other(here) !== other(there))
    return other(there) < other(here);
  if (here.synTs >= 0 && here.synAckTs >= 0 && there.synTs >= 0 && there.synAckTs >= 0) {
    const gHere = here.synAckTs - here.synTs;
    const gThere = there.synAckTs - there.synTs;
    if (Math.abs(gHere - gThere) > 20) return fromClient ? gThere > gHere : gThere < gHere;
  }
  return null;
}

/** The capture was taken next to that side: its packets arrive there with an initial TTL. */
export function senderAdjacent(s: ConnectionSketch, fromClient: boolean): boolean {
  const ttl = fromClient ? s.clientTtl : s.serverTtl;
  return ttl >= 0 && hopsFromTtl(ttl) === 0;
}

/**
 * Per pair of captures, connection by connection, which one the hop counts put nearer the
 * server: votes[a][b] > 0 when mostly a (b nearer the client), < 0 when mostly b.
 */
export function hopVotes(captureCount: number, matches: readonly ConnectionMatch[]): number[][] {
  const votes: number[][] = Array.from({ length: captureCount }, () => new Array(captureCount).fill(0));
  for (const m of matches) {
    const list = [...m.byCapture.values()];
    for (const a of list) {
      for (const b of list) {
        if (a.capture === b.capture) continue;
        // b nearer the client than a ⇒ a is nearer the server.
        const n = nearerTo(true, a, b);
        if (n !== null) votes[a.capture][b.capture] += n ? 1 : -1;
      }
    }
  }
  return votes;
}

export class PathOrder {
  /** Position of each capture, 0 = nearest the client. */
  readonly rank: number[];
  /** relation[a][b]: −1 a nearer the client than b, +1 nearer the server, 0 unknown. */
  private readonly relation: number[][];

  constructor(
    captureCount: number,
    /** hops[a][b] > 0: by hop counts, a lies nearer the server than b (see hopVotes). */
    hops: readonly (readonly number[])[],
    /** Per pair "a|b" (a < b): whether a is nearer the client, from the clock alignment. */
    clockOrientation: ReadonlyMap<string, boolean>,
    vantageClass: readonly ('client' | 'server' | 'between' | 'unknown')[],
    declared: DeclaredRank,
  ) {
    const votes = hops;
    this.relation = Array.from({ length: captureCount }, () => new Array(captureCount).fill(0));
    for (let a = 0; a < captureCount; a++) {
      for (let b = a + 1; b < captureCount; b++) {
        let r = Math.sign(votes[a][b]);
        const da = declared.get(a);
        const db = declared.get(b);
        if (da !== undefined && db !== undefined && da !== db) r = da < db ? -1 : 1;
        else if (r === 0) {
          const o = clockOrientation.get(`${a}|${b}`);
          if (o !== undefined) r = o ? -1 : 1;
        }
        this.relation[a][b] = r;
        this.relation[b][a] = -r;
      }
    }
    const classRank = { client: 0, between: 1, unknown: 1, server: 2 } as const;
    const score = (c: number) => this.relation[c].reduce((s, r) => s + r, 0);
    const order = [...Array(captureCount).keys()].sort(
      (a, b) =>
        (declared.get(a) ?? classRank[vantageClass[a] ?? 'unknown']) -
          (declared.get(b) ?? classRank[vantageClass[b] ?? 'unknown']) ||
        score(a) - score(b) ||
        a - b,
    );
    this.rank = new Array(captureCount).fill(0);
    order.forEach((c, i) => {
      this.rank[c] = i;
    });
  }

  /** −1: a nearer the client than b; +1: nearer the server; 0: unknown. */
  relate(a: number, b: number): number {
    return this.relation[a]?.[b] ?? 0;
  }

  /** Whether capture `there` lies nearer that side than `here`, as far as the captures tell. */
  nearerSide(fromClient: boolean, here: number, there: number): boolean | null {
    const r = this.relate(there, here);
    if (r === 0) return null;
    return fromClient ? r < 0 : r > 0;
  }

  /** Captures in path order from the sender's side. */
  fromSender(fromClient: boolean, captures: Iterable<number>): number[] {
    const list = [...captures].sort((a, b) => this.rank[a] - this.rank[b]);
    return fromClient ? list : list.reverse();
  }
}

/**
 * Where a capture sits, by majority over the connections it shares: next to the client (the
 * client's packets arrive with an initial TTL, the server's decremented), next to the server, or
 * between; one L2 segment everywhere (same TTLs) is told apart by the handshake gap.
 */
export function majorityVantage(
  capture: number,
  matches: readonly ConnectionMatch[],
): 'client' | 'server' | 'between' | 'unknown' {
  let client = 0;
  let server = 0;
  let between = 0;
  for (const m of matches) {
    const s = m.byCapture.get(capture);
    if (s === undefined) continue;
    const ch = s.clientTtl >= 0 ? hopsFromTtl(s.clientTtl) : -1;
    const sh = s.serverTtl >= 0 ? hopsFromTtl(s.serverTtl) : -1;
    if (ch === 0 && sh > 0) client++;
    else if (sh === 0 && ch > 0) server++;
    else if (ch > 0 && sh > 0) between++;
    else {
      // Same TTLs everywhere (one L2 segment): the handshake gap says which end is near.
      const others = [...m.byCapture.values()].filter((o) => o !== s && o.synTs >= 0 && o.synAckTs >= 0);
      if (s.synTs < 0 || s.synAckTs < 0 || others.length === 0) continue;
      const gap = s.synAckTs - s.synTs;
      if (others.every((o) => gap >= o.synAckTs - o.synTs)) client++;
      else if (others.every((o) => gap <= o.synAckTs - o.synTs)) server++;
      else between++;
    }
  }
  const best = Math.max(client, server, between);
  if (best === 0) return 'unknown';
  return best === client ? 'client' : best === server ? 'server' : 'between';
}
