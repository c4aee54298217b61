import type { ConnectionSketch } from '../sketch.ts';
import type { CaptureClock, ClockSample, PairClock } from './clock.ts';
import { compose, estimatePair, invert } from './clock.ts';
import { uniqueCopies } from './copies.ts';
import type { ConnectionMatch } from './correlate.ts';
import type { PacketTrail } from './packet-trail.ts';

/**
 * Every capture's clock against one reference: pairs of captures that share connections are
 * aligned directly (clock.ts), and a capture that shares nothing with the reference is aligned
 * through the captures between (A–B–C: C's clock against A is C-against-B plus B-against-A, and
 * the uncertainties add). The reference of each group of overlapping captures is its first
 * capture in input order; the chain taken is the one with the smallest total uncertainty.
 */
export interface PairEstimate {
  a: number;
  b: number;
  clock: PairClock;
  connections: number;
}

/** Clock samples per pair are capped: tens of thousands of packets pin the offset already. */
const MAX_SAMPLES = 200_000;
/** Without anything better, a one-way delay beyond TCP's initial RTO (RFC 6298: 1 s) would have
 *  made the SYNs' copies pair up wrongly; it is the bound of last resort. */
const DEFAULT_MAX_DELAY = 1_000_000;

export function pairEstimates(
  matches: readonly ConnectionMatch[],
  trailOf: (s: ConnectionSketch) => PacketTrail | null,
  epoch: number,
  /** Orientation by hop counts per pair "a|b": a nearer the client (true), the server (false). */
  hopHint: (a: number, b: number) => boolean | null,
): PairEstimate[] {
  const samples = new Map<string, ClockSample[]>();
  const connections = new Map<string, number>();
  const maxDelay = new Map<string, number>();
  let conn = 0;
  for (const m of matches) {
    conn++;
    const list = [...m.byCapture.values()].sort((x, y) => x.capture - y.capture);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const sa = list[i];
        const sb = list[j];
        const key = `${sa.capture}|${sb.capture}`;
        connections.set(key, (connections.get(key) ?? 0) + 1);
        let out = samples.get(key);
        if (out === undefined) {
          out = [];
          samples.set(key, out);
        }
        const bound = Math.min(maxDelay.get(key) ?? DEFAULT_MAX_DELAY, delayBound(sa), delayBound(sb));
        maxDelay.set(key, bound);
        if (out.length >= MAX_SAMPLES) continue;
        const ta = trailOf(sa);
        const tb = trailOf(sb);
        if (ta !== null && tb !== null) {
          for (const [x, y] of uniqueCopies(ta, tb)) {
            out.push({ t: ta.ts(x), d: tb.ts(y) - ta.ts(x), clientToServer: ta.fromClient(x), conn });
          }
        } else {
          handshakeSamples(sa, sb, conn, out);
        }
      }
    }
  }
  const out: PairEstimate[] = [];
  for (const [key, list] of samples) {
    const [a, b] = key.split('|').map(Number);
    const clock = estimatePair(list, epoch, maxDelay.get(key) ?? DEFAULT_MAX_DELAY, hopHint(a, b));
    if (clock !== null) out.push({ a, b, clock, connections: connections.get(key) ?? 0 });
  }
  return out;
}

/** What one connection at one capture says about the largest one-way delay on its path (µs). */
function delayBound(s: ConnectionSketch): number {
  // A handshake seen at the capture: SYN → completing ACK spans the whole round trip there, and
  // any one-way delay between two points of that path is shorter.
  if (s.synTs >= 0 && s.ackTs >= 0 && s.ackTs > s.synTs) return s.ackTs - s.synTs;
  return DEFAULT_MAX_DELAY;
}

/** Without packet trails: the handshake and the resets, as seen at both. */
function handshakeSamples(a: ConnectionSketch, b: ConnectionSketch, conn: number, out: ClockSample[]): void {
  if (a.synTs >= 0 && b.synTs >= 0)
    out.push({ t: a.synTs, d: b.synTs - a.synTs, clientToServer: true, conn });
  if (a.synAckTs >= 0 && b.synAckTs >= 0)
    out.push({ t: a.synAckTs, d: b.synAckTs - a.synAckTs, clientToServer: false, conn });
  if (a.ackTs >= 0 && b.ackTs >= 0)
    out.push({ t: a.ackTs, d: b.ackTs - a.ackTs, clientToServer: true, conn });
  for (const ra of a.resets) {
    const rb = b.resets.find(
      (x) => x.fromClient === ra.fromClient && x.seq === ra.seq && x.flags === ra.flags,
    );
    if (rb !== undefined) out.push({ t: ra.ts, d: rb.ts - ra.ts, clientToServer: ra.fromClient, conn });
  }
}

/**
 * Chains pair estimates into one clock per capture (null: shares no connection, even indirectly,
 * with any other capture — or is a reference itself, whose clock is its own).
 */
export function alignClocks(
  captureCount: number,
  pairs: readonly PairEstimate[],
  epoch: number,
): (CaptureClock | null)[] {
  const clocks: (CaptureClock | null)[] = new Array(captureCount).fill(null);
  const edges = new Map<number, PairEstimate[]>();
  for (const p of pairs) {
    for (const c of [p.a, p.b]) {
      const list = edges.get(c) ?? [];
      list.push(p);
      edges.set(c, list);
    }
  }
  const done = new Set<number>();
  for (let reference = 0; reference < captureCount; reference++) {
    if (done.has(reference) || !edges.has(reference)) continue;
    // Dijkstra on summed uncertainty (captures are few: a linear scan is fine).
    const best = new Map<
      number,
      { cost: number; theta0: number; rate: number; via: number[]; pair: PairEstimate | null }
    >();
    best.set(reference, { cost: 0, theta0: 0, rate: 0, via: [], pair: null });
    const settled = new Set<number>();
    for (;;) {
      let next = -1;
      let cost = Infinity;
      for (const [c, v] of best) {
        if (!settled.has(c) && v.cost < cost) {
          next = c;
          cost = v.cost;
        }
      }
      if (next < 0) break;
      settled.add(next);
      const here = best.get(next)!;
      for (const p of edges.get(next) ?? []) {
        const other = p.a === next ? p.b : p.a;
        if (settled.has(other)) continue;
        // θ(next→other) as a line in next's time.
        const step = p.a === next ? p.clock : invert(p.clock);
        const c = here.cost + p.clock.uncertainty + (p.clock.oneWay ? 1e9 : 0);
        const prev = best.get(other);
        if (prev !== undefined && prev.cost <= c) continue;
        const line = compose(here, step);
        best.set(other, {
          cost: c,
          theta0: line.theta0,
          rate: line.rate,
          via: next === reference ? [] : [...here.via, next],
          pair: p,
        });
      }
    }
    for (const [c, v] of best) {
      done.add(c);
      if (c === reference || v.pair === null) continue;
      const chain = [...v.via, c];
      let uncertainty = 0;
      let oneWay = false;
      let driftMeasured = true;
      let prev = reference;
      for (const hop of chain) {
        const p = pairs.find((x) => (x.a === prev && x.b === hop) || (x.b === prev && x.a === hop))!;
        uncertainty += p.clock.uncertainty;
        oneWay ||= p.clock.oneWay;
        driftMeasured &&= p.clock.driftMeasured;
        prev = hop;
      }
      clocks[c] = {
        capture: c,
        reference,
        theta0: v.theta0,
        rate: v.rate,
        epoch,
        uncertainty,
        driftMeasured,
        oneWay,
        via: v.via,
        matchedConnections: v.pair.connections,
      };
    }
  }
  return clocks;
}
