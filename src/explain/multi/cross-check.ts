import { seconds } from '../causes/rule.ts';
import type { Evidence, PacketRef } from '../finding.ts';
import { hopsFromTtl } from '../host-profiles.ts';
import type { OriginVote } from '../origin/vote.ts';
import type { ResetContext } from '../reset-context.ts';
import type { ConnectionSketch } from '../sketch.ts';
import type { ClockEstimate } from './clock.ts';
import { estimateClock } from './clock.ts';
import type { ConnectionMatch } from './correlate.ts';
import { matchConnections } from './correlate.ts';

/** Where each capture sits and how its clock relates to capture 0 (null: no overlap with it). */
/** Where the user says a capture was taken (`--at client=a.pcap --at server=b.pcap`). */
export type DeclaredVantage = 'client' | 'middle' | 'server';
const RANK: Record<DeclaredVantage, number> = { client: 0, middle: 1, server: 2 };

export interface CaptureVantage {
  capture: number;
  /** The position came from the user (`--at`), not from the packets. */
  declared: boolean;
  /** Majority position over matched connections: at/near the client, the server, or between. */
  vantage: 'client' | 'server' | 'between' | 'unknown';
  clock: ClockEstimate | null;
}

export interface PathLoss {
  /** Captures nearer the sender that saw the packets, and the ones farther along that did not
   *  (captures at one point of the path, e.g. both sides of one L2 segment, are listed together). */
  from: number[];
  to: number[];
  direction: 'client→server' | 'server→client';
  /** Packets of that direction seen at `from` (shared connections), and how many never reached `to`. */
  seen: number;
  lost: number;
  connections: number;
}

export interface CrossCheck {
  votes: OriginVote[];
  /** The same reset packet in other captures. */
  elsewhere: PacketRef[];
  evidence: Evidence[];
}

/**
 * Everything several vantage points know together: which connections are the same, how the
 * clocks relate, and for a reset, whether the capture nearest the host whose address it carries
 * shows it leaving. A reset that arrives at one end but is absent from the capture of the host it
 * claims to come from — while that capture shows the surrounding packets — was made on the path.
 */
export class VantageIndex {
  readonly matches: ConnectionMatch[];
  readonly captures: CaptureVantage[];
  private readonly byConnection = new Map<string, ConnectionMatch>();
  /** θ per capture: its clock minus capture 0's (µs); 0 for capture 0 and unknown ones. */
  private readonly theta = new Map<number, number>();
  private readonly uncertainty = new Map<number, number>();

  /** Positions the user declared (`--at client=…`): 0 client side, 1 between, 2 server side. */
  private readonly declared: ReadonlyMap<number, number>;

  constructor(
    sketches: readonly ConnectionSketch[],
    captureCount: number,
    declared: ReadonlyMap<number, DeclaredVantage> = new Map(),
  ) {
    this.declared = new Map([...declared].map(([capture, role]) => [capture, RANK[role]]));
    this.matches = matchConnections(sketches);
    for (const m of this.matches)
      for (const s of m.byCapture.values()) this.byConnection.set(`${s.capture}|${s.id}`, m);
    this.captures = [];
    for (let i = 0; i < captureCount; i++) {
      const clock = i === 0 ? null : estimateClock(0, i, this.matches);
      if (clock !== null) {
        this.theta.set(i, -clock.offset * 1e6);
        this.uncertainty.set(i, clock.uncertainty * 1e6);
      }
      const role = declared.get(i);
      const vantage = role === undefined ? this.majorityVantage(i) : role === 'middle' ? 'between' : role;
      this.captures.push({ capture: i, vantage, clock, declared: role !== undefined });
    }
  }

  get overlapping(): boolean {
    return this.matches.length > 0;
  }

  /** Convert a time of capture `from` into the clock of capture `to` (µs). */
  convert(ts: number, from: number, to: number): number {
    return ts - (this.theta.get(from) ?? 0) + (this.theta.get(to) ?? 0);
  }

  matchOf(capture: number, connectionId: number): ConnectionMatch | undefined {
    return this.byConnection.get(`${capture}|${connectionId}`);
  }

  /** Presence/absence of a reset group's packets in the other captures, as origin votes. */
  check(ctx: ResetContext): CrossCheck {
    const out: CrossCheck = { votes: [], elsewhere: [], evidence: [] };
    const c = ctx.c;
    const m = this.matchOf(c.capture, c.id);
    if (m === undefined) return out;
    const here = m.byCapture.get(c.capture)!;
    const role = ctx.fromClient ? 'client' : 'server';
    for (const r of ctx.group) {
      for (const [capture, there] of m.byCapture) {
        if (capture === c.capture) continue;
        const same = there.resets.find(
          (x) => x.fromClient === r.fromClient && x.seq === r.seq && x.flags === r.flags,
        );
        const tThere = this.convert(r.tsMicros, c.capture, capture);
        const slack = (this.uncertainty.get(capture) ?? 0) + (this.uncertainty.get(c.capture) ?? 0) + 500_000;
        if (same !== undefined) {
          out.elsewhere.push({ capture, frame: same.frame });
          const atSender = senderAdjacent(there, r.fromClient);
          const nearer = this.nearer(r.fromClient, here, there);
          if (atSender) {
            out.votes.push({
              origin: r.fromClient ? 'client' : 'server',
              weight: 5,
              signal: 'vantage',
              detail: `the same reset was captured next to the ${role} (capture ${capture}, frame ${same.frame}): it left the ${role}`,
              frames: [
                { capture: c.capture, frame: r.frame },
                { capture, frame: same.frame },
              ],
            });
          } else if (nearer === true) {
            out.votes.push({
              origin: r.fromClient ? 'client' : 'server',
              weight: 1,
              signal: 'vantage',
              detail: `the same reset already passed capture ${capture} (frame ${same.frame}), nearer the ${role}`,
              frames: [
                { capture: c.capture, frame: r.frame },
                { capture, frame: same.frame },
              ],
            });
          }
          continue;
        }
        // Absent there. It only means something if that capture lies between the purported sender
        // and this one, and it was recording this connection around that moment.
        const nearer = this.nearer(r.fromClient, here, there);
        const covers = there.start <= tThere + slack && there.end >= tThere - slack;
        if (nearer === true && covers) {
          out.votes.push({
            origin: 'middlebox',
            weight: 6,
            signal: 'vantage',
            detail: `absent from capture ${capture}, which lies nearer the ${role} and recorded this connection ${there.end - tThere > 1000 ? `until ${seconds(there.end - tThere)} after` : 'up to'} the moment of the reset: the ${role} never sent it`,
            frames: [{ capture: c.capture, frame: r.frame }],
          });
        }
      }
    }
    // Loss between vantage points on this connection (packets seen at one and never at the other).
    for (const [capture, there] of m.byCapture) {
      if (capture === c.capture) continue;
      for (const fromClient of [true, false]) {
        if (this.nearer(fromClient, there, here) !== true) continue;
        const side = fromClient ? 'client' : 'server';
        const seenHere = fromClient ? here.clientPackets : here.serverPackets;
        const seenThere = fromClient ? there.clientPackets : there.serverPackets;
        const lost = seenHere - seenThere;
        if (lost > 0) {
          out.evidence.push({
            signal: 'path-loss',
            detail: `${lost} of the ${side}'s ${seenHere} packets seen in this capture never reached capture ${capture}: lost between the two vantage points`,
            frames: [],
          });
        }
      }
    }
    return out;
  }

  /**
   * Packets lost between vantage points: for every pair of captures that share connections, the
   * packets each side sent that the capture nearer it saw and the farther one never did.
   */
  pathLoss(): PathLoss[] {
    const totals = new Map<
      string,
      {
        from: number;
        to: number;
        direction: PathLoss['direction'];
        seen: number;
        lost: number;
        connections: number;
      }
    >();
    for (const m of this.matches) {
      const list = [...m.byCapture.values()];
      for (const a of list) {
        for (const b of list) {
          if (a === b) continue;
          for (const fromClient of [true, false]) {
            // a nearer the sender than b: what a saw from the sender and b did not.
            if (this.nearer(fromClient, b, a) !== true) continue;
            const sentA = fromClient ? a.clientPackets : a.serverPackets;
            const sentB = fromClient ? b.clientPackets : b.serverPackets;
            const key = `${a.capture}>${b.capture}>${fromClient}`;
            let t = totals.get(key);
            if (t === undefined) {
              t = {
                from: a.capture,
                to: b.capture,
                direction: fromClient ? 'client→server' : 'server→client',
                seen: 0,
                lost: 0,
                connections: 0,
              };
              totals.set(key, t);
            }
            t.seen += sentA;
            t.lost += Math.max(0, sentA - sentB);
            t.connections++;
          }
        }
      }
    }
    // Only neighbouring vantage points: a pair with another capture between them says nothing new.
    const all = [...totals.values()];
    const has = (a: number, b: number, dir: string) => totals.has(`${a}>${b}>${dir === 'client→server'}`);
    const adjacent = all.filter(
      (t) =>
        !all.some(
          (u) =>
            u.from === t.from && u.to !== t.to && u.direction === t.direction && has(u.to, t.to, t.direction),
        ),
    );
    const grouped = new Map<string, PathLoss>();
    for (const t of adjacent) {
      if (t.lost === 0) continue;
      const k = `${t.direction}|${t.seen}|${t.lost}`;
      const g = grouped.get(k);
      if (g === undefined) grouped.set(k, { ...t, from: [t.from], to: [t.to] });
      else {
        if (!g.from.includes(t.from)) g.from.push(t.from);
        if (!g.to.includes(t.to)) g.to.push(t.to);
      }
    }
    return [...grouped.values()].sort((x, y) => y.lost - x.lost);
  }

  /** Declared positions win over what the packets suggest. */
  private nearer(fromClient: boolean, here: ConnectionSketch, there: ConnectionSketch): boolean | null {
    const a = this.declared.get(here.capture);
    const b = this.declared.get(there.capture);
    if (a !== undefined && b !== undefined && a !== b) return fromClient ? b < a : b > a;
    return nearerTo(fromClient, here, there);
  }

  private majorityVantage(capture: number): CaptureVantage['vantage'] {
    let client = 0;
    let server = 0;
    let between = 0;
    for (const m of this.matches) {
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
}

/** The capture was taken next to that side: its packets arrive there with an initial TTL. */
function senderAdjacent(s: ConnectionSketch, fromClient: boolean): boolean {
  const ttl = fromClient ? s.clientTtl : s.serverTtl;
  return ttl >= 0 && hopsFromTtl(ttl) === 0;
}

/**
 * Whether capture `there` lies nearer the client (fromClient) or the server than capture `here`:
 * by the TTL of that side's packets (fewer hops = nearer), then of the other side's, then by the
 * handshake gap (SYN→SYN-ACK is a full round trip at the client, nearly nothing at the server).
 * null when nothing tells them apart.
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
