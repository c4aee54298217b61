import type { PacketTrail } from './packet-trail.ts';

/**
 * Which packet of one capture is which packet of another: the same connection's packets seen at
 * two vantage points. Routers change the TTL (and checksum) and NAT changes addresses and ports,
 * but a packet keeps its direction, sequence and acknowledgement numbers, flags, payload length
 * and — where nothing rewrites it — its IPv4 ID. A retransmission is a different packet with the
 * same sequence number (and usually another IP ID), so copies with equal fields are paired with
 * the latest earlier send at the other point, in time order.
 */
export const UNMATCHED = -1;
/** The bytes arrived, cut or merged differently (TSO at the sender, GRO or a proxy on the way). */
export const RESEGMENTED = -2;

/** A numeric hash of the fields (no string per packet); equal fields give equal keys, and
 *  candidates are checked field by field (`same`), so a collision costs nothing but time. */
function key(t: PacketTrail, i: number, withIpId: boolean): number {
  const lf = ((t.fromClient(i) ? 1 : 0) << 25) | (t.flags(i) << 16) | t.len(i);
  const h = Math.imul(t.seq(i) ^ Math.imul(t.ack(i), 0x9e3779b1), 0x85ebca6b) ^ lf;
  const low = withIpId ? (t.ipId(i) + 1) & 0x1ffff : 0;
  return (h >>> 0) * 131072 + low;
}

function same(a: PacketTrail, i: number, b: PacketTrail, j: number, withIpId: boolean): boolean {
  return (
    a.seq(i) === b.seq(j) &&
    a.ack(i) === b.ack(j) &&
    a.len(i) === b.len(j) &&
    a.flags(i) === b.flags(j) &&
    a.fromClient(i) === b.fromClient(j) &&
    (!withIpId || a.ipId(i) === b.ipId(j))
  );
}

/**
 * For each packet of `a`, the index of the same packet in `b`, UNMATCHED or RESEGMENTED.
 * `aToB` converts a time of `a` (µs) into `b`'s clock; `slack` (µs) is how far a copy may seem to
 * arrive before its send (clock uncertainty). Resegmented bytes count as seen when `b` holds
 * otherwise-unpaired data of the same direction overlapping them within `window` µs.
 */
export function matchCopies(
  a: PacketTrail,
  b: PacketTrail,
  aToB: (ts: number) => number,
  slack: number,
  window = 200_000,
): Int32Array {
  const ofA = new Int32Array(a.count).fill(UNMATCHED);
  const usedB = new Uint8Array(b.count);
  for (const withIpId of [true, false]) {
    const inA = new Map<number, number[]>();
    for (let i = 0; i < a.count; i++) {
      if (ofA[i] !== UNMATCHED) continue;
      const k = key(a, i, withIpId);
      const list = inA.get(k);
      if (list === undefined) inA.set(k, [i]);
      else list.push(i);
    }
    for (let j = 0; j < b.count; j++) {
      if (usedB[j] !== 0) continue;
      const list = inA.get(key(b, j, withIpId));
      if (list === undefined) continue;
      // The latest unpaired send at `a` that could have arrived by now.
      const tb = b.ts(j);
      let best = -1;
      let bestT = -Infinity;
      for (const i of list) {
        if (ofA[i] !== UNMATCHED || !same(a, i, b, j, withIpId)) continue;
        const t = aToB(a.ts(i));
        if (t <= tb + slack && t > bestT) {
          best = i;
          bestT = t;
        }
      }
      if (best >= 0) {
        ofA[best] = j;
        usedB[j] = 1;
      }
    }
  }
  // Resegmentation: b's leftover data covering a's leftover data, at about the same time.
  const leftB: number[] = [];
  for (let j = 0; j < b.count; j++) if (usedB[j] === 0 && b.len(j) > 0) leftB.push(j);
  if (leftB.length > 0) {
    for (let i = 0; i < a.count; i++) {
      if (ofA[i] !== UNMATCHED || a.len(i) === 0) continue;
      const t = aToB(a.ts(i));
      const start = a.seq(i);
      const end = (start + a.len(i)) >>> 0;
      for (const j of leftB) {
        if (b.fromClient(j) !== a.fromClient(i)) continue;
        const tb = b.ts(j);
        if (tb < t - slack || tb > t + slack + window) continue;
        const s2 = b.seq(j);
        const e2 = (s2 + b.len(j)) >>> 0;
        // Overlap modulo 2^32: [start, end) and [s2, e2) intersect.
        if (((e2 - start) | 0) > 0 && ((end - s2) | 0) > 0) {
          ofA[i] = RESEGMENTED;
          break;
        }
      }
    }
  }
  return ofA;
}

/**
 * Pairs of copies whose fields (IP ID included) occur exactly once in each capture: certain to be
 * the same packet whatever the clocks say, so their time differences measure the clock offset.
 */
export function uniqueCopies(a: PacketTrail, b: PacketTrail): [number, number][] {
  const count = (t: PacketTrail) => {
    const m = new Map<number, number>();
    for (let i = 0; i < t.count; i++) {
      const k = key(t, i, true);
      m.set(k, m.has(k) ? -1 : i);
    }
    return m;
  };
  const inA = count(a);
  const inB = count(b);
  const pairs: [number, number][] = [];
  for (const [k, i] of inA) {
    if (i < 0) continue;
    const j = inB.get(k);
    if (j !== undefined && j >= 0 && same(a, i, b, j, true)) pairs.push([i, j]);
  }
  return pairs;
}
