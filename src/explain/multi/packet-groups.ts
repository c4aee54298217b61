import { matchCopies } from './copies.ts';
import type { ConnectionMatch } from './correlate.ts';
import type { PacketTrail } from './packet-trail.ts';
import type { PathOrder } from './positions.ts';

/**
 * One connection's packets across every capture that holds it: each distinct packet once, with the
 * captures it was seen at. Copies are paired between every two captures (not only neighbours, so a
 * packet one capture missed — a capture drop — still joins its copies further on). A packet is
 * *lost* when the last capture along its way that saw it is followed by another that was
 * recording at that moment (and carries that direction of the connection) and never saw it: the
 * path between those two dropped it. Captures that lack the whole connection but lie on its path
 * (they recorded other traffic to the same server then) count as seeing none of its packets —
 * that is how a SYN dropped by a firewall shows.
 */
export interface PacketGroup {
  fromClient: boolean;
  /** Copies in path order from the sender: capture and index into that capture's trail. */
  copies: { capture: number; index: number }[];
  /** Time of the first copy on the reference clock (µs). */
  tRef: number;
  /** Lost between these two captures (the last that saw it, the next that should have), or null. */
  lostBetween: [number, number] | null;
}

export interface GroupContext {
  trails: ReadonlyMap<number, PacketTrail>;
  order: PathOrder;
  /** µs of capture `from` in capture `to`'s clock. */
  convert(ts: number, from: number, to: number): number;
  toReference(ts: number, capture: number): number;
  /** Whether the capture was recording at this reference-clock moment (µs). */
  covers(capture: number, tRef: number): boolean;
  /** Clock uncertainty of a capture (µs). */
  uncertainty(capture: number): number;
}

export function packetGroups(
  m: ConnectionMatch,
  ctx: GroupContext,
  /** On-path captures that never saw this connection. */
  absent: readonly number[] = [],
): PacketGroup[] | null {
  const captures = [...m.byCapture.keys()].filter((c) => ctx.trails.has(c));
  if (captures.length < 1 || captures.length < m.byCapture.size) return null;
  // Union-find over (capture, index), numbered with a per-capture offset.
  const offset = new Map<number, number>();
  let total = 0;
  for (const c of captures) {
    offset.set(c, total);
    total += ctx.trails.get(c)!.count;
  }
  const parent = new Int32Array(total);
  for (let i = 0; i < total; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (let i = 0; i < captures.length; i++) {
    for (let j = i + 1; j < captures.length; j++) {
      const a = captures[i];
      const b = captures[j];
      const ta = ctx.trails.get(a)!;
      const tb = ctx.trails.get(b)!;
      const slack = ctx.uncertainty(a) + ctx.uncertainty(b) + 1000;
      const ofA = matchCopies(ta, tb, (t) => ctx.convert(t, a, b), slack);
      const oa = offset.get(a)!;
      const ob = offset.get(b)!;
      for (let k = 0; k < ofA.length; k++) {
        if (ofA[k] < 0) continue;
        const ra = find(oa + k);
        const rb = find(ob + ofA[k]);
        if (ra !== rb) parent[rb] = ra;
      }
    }
  }
  const byRoot = new Map<number, { capture: number; index: number }[]>();
  for (const c of captures) {
    const o = offset.get(c)!;
    const n = ctx.trails.get(c)!.count;
    for (let k = 0; k < n; k++) {
      const r = find(o + k);
      const list = byRoot.get(r);
      if (list === undefined) byRoot.set(r, [{ capture: c, index: k }]);
      else list.push({ capture: c, index: k });
    }
  }
  // Which directions each capture carries at all (a capture on a one-way route shows none of the
  // other direction: its silence there is not loss).
  const carries = new Map<number, [boolean, boolean]>();
  for (const c of captures) {
    const t = ctx.trails.get(c)!;
    let cs = false;
    let sc = false;
    for (let k = 0; k < t.count && !(cs && sc); k++) {
      if (t.fromClient(k)) cs = true;
      else sc = true;
    }
    carries.set(c, [cs, sc]);
  }
  for (const c of absent) carries.set(c, [true, true]);
  const everywhere = [...captures, ...absent];
  // Path order from each direction's sender, and each capture's place in it (by capture index).
  const orders = [false, true].map((fromClient) => {
    const order = ctx.order.fromSender(fromClient, everywhere);
    const position: number[] = [];
    order.forEach((c, i) => {
      position[c] = i;
    });
    return { order, position };
  });
  const groups: PacketGroup[] = [];
  for (const copies of byRoot.values()) {
    const first = copies[0];
    const fromClient = ctx.trails.get(first.capture)!.fromClient(first.index);
    const { order: pathOrder, position } = orders[fromClient ? 1 : 0];
    if (copies.length > 1)
      copies.sort((x, y) => position[x.capture] - position[y.capture] || x.index - y.index);
    const lead = copies[0];
    const tRef = ctx.toReference(ctx.trails.get(lead.capture)!.ts(lead.index), lead.capture);
    let lostBetween: PacketGroup['lostBetween'] = null;
    const last = copies[copies.length - 1].capture;
    for (let i = position[last] + 1; i < pathOrder.length; i++) {
      const next = pathOrder[i];
      const dir = carries.get(next)!;
      if (!(fromClient ? dir[0] : dir[1]) || !ctx.covers(next, tRef)) continue;
      lostBetween = [last, next];
      break;
    }
    groups.push({ fromClient, copies, tRef, lostBetween });
  }
  groups.sort((x, y) => x.tRef - y.tRef);
  return groups;
}
