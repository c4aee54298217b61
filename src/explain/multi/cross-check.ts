import type { OriginVerdict } from '../finding.ts';
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
import type { PathLoss } from './path-loss.ts';
import { pathLossTotals } from './path-loss.ts';
import { hopVotes, majorityVantage, nearerTo, PathOrder } from './positions.ts';
import type { CrossCheck } from './presence.ts';
import { checkReset } from './presence.ts';

export type { PathLoss } from './path-loss.ts';
export type { CrossCheck } from './presence.ts';

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
  /** By capture, then connection id. */
  private readonly byConnection = new Map<number, Map<number, ConnectionMatch>>();
  private readonly sketchByConnection = new Map<number, Map<number, ConnectionSketch>>();
  private readonly clocks: (CaptureClock | null)[];
  private readonly trails: ReadonlyMap<ConnectionSketch, PacketTrail>;
  private readonly spans: ReadonlyMap<number, { first: number; last: number }>;
  /** Per capture pair "a|b": the hosts (as seen at a) of the connections a and b share. */
  private readonly sharedHosts = new Map<string, Set<string>>();
  private readonly declared: ReadonlyMap<number, number>;
  private readonly groupCache = new Map<ConnectionMatch, PacketGroup[] | null>();
  private readonly captureCount: number;

  constructor(input: {
    sketches: readonly ConnectionSketch[];
    captureCount: number;
    /** Packet trails of the connections, by sketch. */
    trails?: ReadonlyMap<ConnectionSketch, PacketTrail>;
    /** First and last timestamp of each capture (µs, its own clock). */
    spans?: ReadonlyMap<number, { first: number; last: number }>;
    declared?: ReadonlyMap<number, DeclaredVantage>;
  }) {
    const count = input.captureCount;
    this.captureCount = count;
    const declared: ReadonlyMap<number, DeclaredVantage> = input.declared ?? new Map();
    this.declared = new Map([...declared].map(([capture, role]) => [capture, RANK[role]]));
    this.trails = input.trails ?? new Map();
    // When the caller did not say when each capture was recording, its connections do.
    const spans = new Map(input.spans ?? []);
    for (const sk of input.sketches) {
      if (input.spans?.has(sk.capture)) continue;
      const span = spans.get(sk.capture);
      if (span === undefined) spans.set(sk.capture, { first: sk.start, last: sk.end });
      else {
        if (sk.start < span.first) span.first = sk.start;
        if (sk.end > span.last) span.last = sk.end;
      }
    }
    this.spans = spans;
    this.matches = matchConnections(input.sketches);
    for (const s of input.sketches) perCapture(this.sketchByConnection, s.capture).set(s.id, s);
    for (const m of this.matches) {
      for (const s of m.byCapture.values()) {
        perCapture(this.byConnection, s.capture).set(s.id, m);
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
      classes.push(
        role === undefined ? majorityVantage(i, this.matches) : role === 'middle' ? 'between' : role,
      );
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
    return this.byConnection.get(capture)?.get(connectionId);
  }

  sketchOf(capture: number, connectionId: number): ConnectionSketch | undefined {
    return this.sketchByConnection.get(capture)?.get(connectionId);
  }

  trailOf(s: ConnectionSketch): PacketTrail | null {
    return this.trails.get(s) ?? null;
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
    return checkReset(this, ctx);
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

  /** Packets lost between vantage points, over every connection the captures share. */
  pathLoss(): PathLoss[] {
    return pathLossTotals(
      this.matches,
      (m) => this.groupCache.get(m) ?? this.groupsUncached(m),
      (s) => this.trailOf(s),
    );
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
}

function perCapture<V>(m: Map<number, Map<number, V>>, capture: number): Map<number, V> {
  let inner = m.get(capture);
  if (inner === undefined) {
    inner = new Map();
    m.set(capture, inner);
  }
  return inner;
}

function endpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
