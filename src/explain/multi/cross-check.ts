import type { OriginVerdict, PacketRef } from '../finding.ts';
import { hopsFromTtl } from '../host-profiles.ts';
import type { OriginVote } from '../origin/vote.ts';
import type { ResetContext } from '../reset-context.ts';
import type { ConnectionSketch } from '../sketch.ts';
import { alignClocks, pairEstimates } from './align.ts';
import type { CaptureClock } from './clock.ts';
import { fromReference, toReference } from './clock.ts';
import type { ConnectionMatch } from './correlate.ts';
import { matchConnections } from './correlate.ts';
import type { GroupContext, PacketGroup } from './packet-groups.ts';
import { packetGroups } from './packet-groups.ts';
import type { PacketTrail } from './packet-trail.ts';
import { hopVotes, nearerTo, PathOrder, senderAdjacent } from './positions.ts';

/** Where the user says a capture was taken (`--at client=a.pcap --at server=b.pcap`). */
export type DeclaredVantage = 'client' | 'middle' | 'server';
const RANK: Record<DeclaredVantage, number> = { client: 0, middle: 1, server: 2 };

export interface CaptureVantage {
  capture: number;
  /** The position came from the user (`--at`), not from the packets. */
  declared: boolean;
  /** Majority position over matched connections: at/near the client, the server, or between. */
  vantage: 'client' | 'server' | 'between' | 'unknown';
  /** Null for a reference capture (its own clock) and for one that shares no connection. */
  clock: CaptureClock | null;
}

export interface PathLoss {
  /** The last capture along the way that saw the packets, and the next one, which did not. */
  from: number[];
  to: number[];
  direction: 'client→server' | 'server→client';
  /** Packets of that direction seen at `from` while `to` was recording, and how many `to` never saw. */
  seen: number;
  lost: number;
  /** Shared connections that lost packets there. */
  connections: number;
  /** Some of the lost packets, in capture `from` (at most MAX_LOSS_FRAMES). */
  frames: PacketRef[];
}

export interface CrossCheck {
  votes: OriginVote[];
  /** The same reset packet in other captures. */
  elsewhere: PacketRef[];
  /** Set when a capture next to the claimed sender shows the connection around the moment and not
   *  the reset: the sender never sent it, whatever the other signals say. */
  decisive: string | null;
}

export const MAX_LOSS_FRAMES = 20;
/**
 * A reset may arrive this long (µs) after the last packet of the capture that should show it
 * leaving and still count as absent from it: a file ends with its last packet, not when the
 * capture stopped, and people stop captures seconds later. Absence decides the origin only within
 * DECISIVE_TAIL (a host's last word often comes just after the capture's last sign of the
 * connection); up to ABSENCE_TAIL it is a strong vote, as a capture might have been cut just before.
 */
const DECISIVE_TAIL = 100_000;
const ABSENCE_TAIL = 1_000_000;

/**
 * Everything several vantage points know together: which connections are the same, how the
 * clocks relate, where each capture sits on the path, and for a reset, whether the capture nearest
 * the host whose address it carries shows it leaving. A reset that arrives at one end but is
 * absent from the capture of the host it claims to come from — while that capture shows the
 * surrounding packets — was made on the path.
 */
export class VantageIndex {
  readonly matches: ConnectionMatch[];
  readonly captures: CaptureVantage[];
  readonly order: PathOrder;
  private readonly byConnection = new Map<string, ConnectionMatch>();
  private readonly sketchByConnection = new Map<string, ConnectionSketch>();
  private readonly clocks: (CaptureClock | null)[];
  private readonly trails: ReadonlyMap<string, PacketTrail>;
  private readonly spans: ReadonlyMap<number, { first: number; last: number }>;
  /** Per capture pair "a|b": the hosts (as seen at a) of the connections a and b share. */
  private readonly sharedHosts = new Map<string, Set<string>>();
  private readonly declared: ReadonlyMap<number, number>;
  private readonly groupCache = new Map<ConnectionMatch, PacketGroup[] | null>();
  private readonly captureCount: number;

  constructor(input: {
    sketches: readonly ConnectionSketch[];
    captureCount: number;
    /** Packet trails by "capture|connection id". */
    trails?: ReadonlyMap<string, PacketTrail>;
    /** First and last timestamp of each capture (µs, its own clock). */
    spans?: ReadonlyMap<number, { first: number; last: number }>;
    declared?: ReadonlyMap<number, DeclaredVantage>;
  }) {
    const count = input.captureCount;
    this.captureCount = count;
    const declared: ReadonlyMap<number, DeclaredVantage> = input.declared ?? new Map();
    this.declared = new Map([...declared].map(([capture, role]) => [capture, RANK[role]]));
    this.trails = input.trails ?? new Map();
    this.spans = input.spans ?? new Map();
    this.matches = matchConnections(input.sketches);
    for (const s of input.sketches) this.sketchByConnection.set(`${s.capture}|${s.id}`, s);
    for (const m of this.matches) {
      for (const s of m.byCapture.values()) {
        this.byConnection.set(`${s.capture}|${s.id}`, m);
        for (const o of m.byCapture.values()) {
          if (o === s) continue;
          const k = `${s.capture}|${o.capture}`;
          let hosts = this.sharedHosts.get(k);
          if (hosts === undefined) {
            hosts = new Set();
            this.sharedHosts.set(k, hosts);
          }
          if (o.clientPackets > 0 && o.serverPackets > 0) {
            hosts.add(`s ${s.server}`);
            hosts.add(`c ${s.client}`);
          }
        }
      }
    }
    const hops = hopVotes(count, this.matches);
    const hint = (a: number, b: number) => (hops[a][b] === 0 ? null : hops[a][b] < 0);
    // Any fixed moment works for the clock lines; the first capture's start keeps numbers readable.
    const firstSpan = [...this.spans.entries()].sort((a, b) => a[0] - b[0])[0];
    const epoch = firstSpan?.[1].first ?? 0;
    const pairs = pairEstimates(this.matches, (s) => this.trailOf(s), epoch, hint);
    this.clocks = alignClocks(count, pairs, epoch);
    const orientation = new Map<string, boolean>();
    for (const p of pairs) {
      // Only an interval that says so on its own: a zero-width one (timestamps tied) tells nothing.
      if (!p.clock.oneWay && p.clock.referenceNearerClient !== null && p.clock.uncertainty > 0)
        orientation.set(`${p.a}|${p.b}`, p.clock.referenceNearerClient);
    }
    const classes: CaptureVantage['vantage'][] = [];
    for (let i = 0; i < count; i++) {
      const role = declared.get(i);
      classes.push(role === undefined ? this.majorityVantage(i) : role === 'middle' ? 'between' : role);
    }
    this.order = new PathOrder(count, hops, orientation, classes, this.declared);
    this.captures = classes.map((vantage, i) => ({
      capture: i,
      vantage,
      clock: this.clocks[i],
      declared: declared.get(i) !== undefined,
    }));
  }

  get overlapping(): boolean {
    return this.matches.length > 0;
  }

  /** The capture whose clock this capture's times are expressed in (itself when none). */
  referenceOf(capture: number): number {
    return this.clocks[capture]?.reference ?? capture;
  }

  /** A time of `capture` (µs) on its reference clock. */
  toReference(ts: number, capture: number): number {
    const clock = this.clocks[capture];
    return clock === null || clock === undefined ? ts : toReference(clock, ts);
  }

  /** Convert a time of capture `from` into the clock of capture `to` (µs). */
  convert(ts: number, from: number, to: number): number {
    if (from === to) return ts;
    const ref = this.toReference(ts, from);
    const clock = this.clocks[to];
    return clock === null || clock === undefined ? ref : fromReference(clock, ref);
  }

  uncertainty(capture: number): number {
    return this.clocks[capture]?.uncertainty ?? 0;
  }

  /** Whether the two captures' times can be compared (same reference). */
  aligned(a: number, b: number): boolean {
    return this.referenceOf(a) === this.referenceOf(b);
  }

  /**
   * Whether `capture` was recording at this moment of capture `from`'s clock (µs): inside its
   * first and last packet, clocks aligned. `tail` accepts a moment that far after its last packet:
   * a file ends with its last packet, not when the capture stopped, and a host's last word
   * (a reset) often comes just after the capture's last sign of the connection.
   */
  covers(capture: number, ts: number, from: number, tail = 0): boolean {
    const span = this.spans.get(capture);
    if (span === undefined || !this.aligned(capture, from)) return false;
    const t = this.convert(ts, from, capture);
    const slack = this.uncertainty(capture) + this.uncertainty(from);
    return span.first <= t - slack && span.last + tail >= t + slack;
  }

  matchOf(capture: number, connectionId: number): ConnectionMatch | undefined {
    return this.byConnection.get(`${capture}|${connectionId}`);
  }

  sketchOf(capture: number, connectionId: number): ConnectionSketch | undefined {
    return this.sketchByConnection.get(`${capture}|${connectionId}`);
  }

  trailOf(s: ConnectionSketch): PacketTrail | null {
    return this.trails.get(`${s.capture}|${s.id}`) ?? null;
  }

  /** "capture 2 (server side)": how evidence names a capture. */
  label(capture: number): string {
    const v = this.captures[capture]?.vantage;
    const where =
      v === 'client' ? 'client side' : v === 'server' ? 'server side' : v === 'between' ? 'between' : null;
    return where === null ? `capture ${capture}` : `capture ${capture} (${where})`;
  }

  /**
   * Captures that never saw this connection although they lie on its path: they share other
   * connections with a capture that has it, to the same server and from the same client host,
   * with packets both ways, and were recording over the whole of it.
   */
  absentOnPath(capture: number, s: ConnectionSketch, m: ConnectionMatch | undefined, tail = 0): number[] {
    const out: number[] = [];
    for (let x = 0; x < this.captureCount; x++) {
      if (x === capture || m?.byCapture.has(x)) continue;
      const hosts = this.sharedHosts.get(`${capture}|${x}`);
      if (hosts === undefined || !hosts.has(`s ${s.server}`) || !hosts.has(`c ${s.client}`)) continue;
      if (!this.covers(x, s.start, capture, tail) || !this.covers(x, s.end, capture, tail)) continue;
      out.push(x);
    }
    return out;
  }

  /** Presence/absence of a reset group's packets in the other captures, as origin votes. */
  check(ctx: ResetContext): CrossCheck {
    const out: CrossCheck = { votes: [], elsewhere: [], decisive: null };
    const c = ctx.c;
    const here = this.sketchOf(c.capture, c.id);
    if (here === undefined) return out;
    const m = this.matchOf(c.capture, c.id);
    const role = ctx.fromClient ? 'client' : 'server';
    const holders = m === undefined ? [c.capture] : [...m.byCapture.keys()];
    // The captures holding the connection, nearest the claimed sender first.
    const nearestFirst = this.order.fromSender(ctx.fromClient, holders);
    for (const r of ctx.group) {
      for (const [capture, there] of m?.byCapture ?? []) {
        if (capture === c.capture) continue;
        const same = there.resets.find(
          (x) => x.fromClient === r.fromClient && x.seq === r.seq && x.flags === r.flags,
        );
        const nearer = this.nearer(r.fromClient, here, there);
        if (same !== undefined) {
          out.elsewhere.push({ capture, frame: same.frame });
          const frames = [
            { capture: c.capture, frame: r.frame },
            { capture, frame: same.frame },
          ];
          if (senderAdjacent(there, r.fromClient)) {
            out.votes.push({
              origin: role,
              weight: 5,
              signal: 'vantage',
              detail: `the same reset was captured next to the ${role} (${this.label(capture)}, frame ${same.frame}): it left the ${role}`,
              frames,
            });
          } else if (nearer === true) {
            out.votes.push({
              origin: role,
              weight: 1,
              signal: 'vantage',
              detail: `the same reset already passed ${this.label(capture)} (frame ${same.frame}), nearer the ${role}`,
              frames,
            });
          }
          continue;
        }
        // Absent there. It only means something if that capture lies between the purported sender
        // and this one, was recording at that moment (its own time span, clocks aligned), and had
        // seen this connection — with packets from the claimed sender — before it.
        if (nearer !== true || !this.covers(capture, r.tsMicros, c.capture, ABSENCE_TAIL)) continue;
        const surely = this.covers(capture, r.tsMicros, c.capture, DECISIVE_TAIL);
        const tThere = this.convert(r.tsMicros, c.capture, capture);
        const senderPackets = r.fromClient ? there.clientPackets : there.serverPackets;
        if (there.start > tThere || senderPackets === 0) continue;
        const detail = `absent from ${this.label(capture)}, which lies nearer the ${role}, was recording then and shows this connection's packets from the ${role} before it: the ${role} never sent it`;
        out.votes.push({
          origin: 'middlebox',
          weight: 6,
          signal: 'vantage',
          detail,
          frames: [{ capture: c.capture, frame: r.frame }],
        });
        // The capture nearest the sender (or on its own link) is the one that must have seen it.
        if (
          out.decisive === null &&
          surely &&
          (senderAdjacent(there, r.fromClient) || nearestFirst[0] === capture)
        )
          out.decisive = detail;
      }
    }
    // A connection some captures nearer the claimed sender never saw at all (they recorded other
    // traffic between the same hosts then): its SYN or data never got there, so that host cannot
    // have answered it.
    for (const x of this.absentOnPath(c.capture, here, m, ABSENCE_TAIL)) {
      if (this.order.nearerSide(ctx.fromClient, c.capture, x) !== true) continue;
      if (!this.covers(x, ctx.r.tsMicros, c.capture, ABSENCE_TAIL)) continue;
      const detail = `${this.label(x)}, nearer the ${role}, recorded other traffic between these hosts around then but never saw this connection: its packets never reached the ${role}, so the ${role} cannot have answered with this reset`;
      out.votes.push({
        origin: 'middlebox',
        weight: 6,
        signal: 'vantage',
        detail,
        frames: [{ capture: c.capture, frame: ctx.r.frame }],
      });
      if (this.covers(x, ctx.r.tsMicros, c.capture, DECISIVE_TAIL)) out.decisive ??= detail;
    }
    return out;
  }

  /** Absence at the capture next to the claimed sender decides, whatever the other signals say. */
  settle(verdict: OriginVerdict, cross: CrossCheck): OriginVerdict {
    if (cross.decisive === null) return verdict;
    const confidence = Math.max(0.95, verdict.origin === 'middlebox' ? verdict.confidence : 0);
    return { ...verdict, origin: 'middlebox', confidence };
  }

  /** The connection's packets across captures (null without complete packet trails). */
  groups(m: ConnectionMatch, absent: readonly number[] = []): PacketGroup[] | null {
    if (this.groupCache.has(m)) return this.groupCache.get(m)!;
    const trails = new Map<number, PacketTrail>();
    for (const [capture, s] of m.byCapture) {
      const t = this.trailOf(s);
      if (t === null || t.truncated) {
        this.groupCache.set(m, null);
        return null;
      }
      trails.set(capture, t);
    }
    const g = packetGroups(m, this.groupContext(trails), absent);
    this.groupCache.set(m, g);
    return g;
  }

  /** Forget cached groups (they are big; findings keep what they need). */
  releaseGroups(): void {
    this.groupCache.clear();
  }

  /**
   * Packets lost between vantage points: for every connection the captures share, each packet
   * whose last sighting along its way is followed by a recording capture that never saw it, summed
   * per direction and pair of captures, with some of the lost frames.
   */
  pathLoss(): PathLoss[] {
    const totals = new Map<string, PathLoss>();
    const seenAt = new Map<string, Set<ConnectionMatch>>();
    for (const m of this.matches) {
      const groups = this.groupCache.get(m) ?? this.groupsUncached(m);
      if (groups === null) continue;
      const lostHere = new Set<string>();
      for (const g of groups) {
        if (g.lostBetween === null) continue;
        const [from, to] = g.lostBetween;
        const direction = g.fromClient ? 'client→server' : 'server→client';
        const key = `${direction}|${from}|${to}`;
        let t = totals.get(key);
        if (t === undefined) {
          t = { from: [from], to: [to], direction, seen: 0, lost: 0, connections: 0, frames: [] };
          totals.set(key, t);
        }
        t.lost++;
        if (!lostHere.has(key)) {
          lostHere.add(key);
          t.connections++;
        }
        const lead = g.copies[g.copies.length - 1];
        const trail = this.trailOf(m.byCapture.get(lead.capture)!)!;
        if (t.frames.length < MAX_LOSS_FRAMES)
          t.frames.push({ capture: from, frame: trail.frame(lead.index) });
        let set = seenAt.get(key);
        if (set === undefined) {
          set = new Set();
          seenAt.set(key, set);
        }
        set.add(m);
      }
    }
    if (totals.size === 0) return [];
    // How many packets each such pair had the chance to lose: those of that direction seen at
    // `from` while `to` was recording, over every shared connection.
    for (const m of this.matches) {
      const groups = this.groupCache.get(m) ?? this.groupsUncached(m);
      if (groups === null) continue;
      for (const [key, t] of totals) {
        const from = t.from[0];
        const to = t.to[0];
        if (!m.byCapture.has(from)) continue;
        const fromClient = t.direction === 'client→server';
        for (const g of groups) {
          if (g.fromClient !== fromClient || !g.copies.some((x) => x.capture === from)) continue;
          if (g.lostBetween !== null && `${t.direction}|${g.lostBetween[0]}|${g.lostBetween[1]}` === key)
            t.seen++;
          else if (g.copies.some((x) => x.capture === to)) t.seen++;
        }
      }
    }
    return [...totals.values()].sort((x, y) => y.lost - x.lost);
  }

  /** The connection as each capture saw it (addresses differ across NAT). */
  asSeen(m: ConnectionMatch): { capture: number; client: string; server: string }[] {
    return [...m.byCapture.values()]
      .sort((a, b) => a.capture - b.capture)
      .map((s) => ({
        capture: s.capture,
        client: endpoint(s.client, s.clientPort),
        server: endpoint(s.server, s.serverPort),
      }));
  }

  private groupsUncached(m: ConnectionMatch): PacketGroup[] | null {
    const trails = new Map<number, PacketTrail>();
    for (const [capture, s] of m.byCapture) {
      const t = this.trailOf(s);
      if (t === null || t.truncated) return null;
      trails.set(capture, t);
    }
    return packetGroups(m, this.groupContext(trails));
  }

  private groupContext(trails: ReadonlyMap<number, PacketTrail>): GroupContext {
    return {
      trails,
      order: this.order,
      convert: (ts, from, to) => this.convert(ts, from, to),
      toReference: (ts, capture) => this.toReference(ts, capture),
      covers: (capture, tRef) => {
        const ref = this.referenceOf(capture);
        return this.covers(capture, tRef, ref);
      },
      uncertainty: (capture) => this.uncertainty(capture),
    };
  }

  /** Declared positions win over what the packets suggest; then this connection's hop counts,
   *  then where the captures sit overall. */
  nearer(fromClient: boolean, here: ConnectionSketch, there: ConnectionSketch): boolean | null {
    const a = this.declared.get(here.capture);
    const b = this.declared.get(there.capture);
    if (a !== undefined && b !== undefined && a !== b) return fromClient ? b < a : b > a;
    return (
      nearerTo(fromClient, here, there) ?? this.order.nearerSide(fromClient, here.capture, there.capture)
    );
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

function endpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
