import type { PacketRef } from '../finding.ts';
import type { ConnectionSketch } from '../sketch.ts';
import type { ConnectionMatch } from './correlate.ts';
import type { PacketGroup } from './packet-groups.ts';
import type { PacketTrail } from './packet-trail.ts';

export interface PathLoss {
  /** The last capture along the way that saw the packets, and the next one, which did not. */
  from: number[];
  to: number[];
  direction: 'client→server' | 'server→client';
  /** Packets of that direction seen at `from` and due at `to` next, and how many `to` never saw. */
  seen: number;
  lost: number;
  /** Shared connections that lost packets there. */
  connections: number;
  /** Some of the lost packets, in capture `from` (at most MAX_LOSS_FRAMES). */
  frames: PacketRef[];
}

export const MAX_LOSS_FRAMES = 20;

/**
 * Packets lost between vantage points: for every connection the captures share, each packet
 * whose last sighting along its way is followed by a recording capture that never saw it, summed
 * per direction and pair of captures, with some of the lost frames.
 */
export function pathLossTotals(
  matches: readonly ConnectionMatch[],
  groupsOf: (m: ConnectionMatch) => PacketGroup[] | null,
  trailOf: (s: ConnectionSketch) => PacketTrail | null,
): PathLoss[] {
  const totals = new Map<string, PathLoss>();
  for (const m of matches) {
    const groups = groupsOf(m);
    if (groups === null) continue;
    const touched = new Set<PathLoss>();
    for (const g of groups) {
      // Every step of its way this packet was due at the next capture: seen there, or lost there.
      const captures = g.copies.map((c) => c.capture);
      const last = g.copies[g.copies.length - 1];
      const direction = g.fromClient ? 'client→server' : 'server→client';
      const steps: [number, number][] = [];
      for (let i = 0; i + 1 < captures.length; i++) steps.push([captures[i], captures[i + 1]]);
      if (g.lostBetween !== null) steps.push(g.lostBetween);
      for (const [from, to] of steps) {
        const key = `${direction}|${from}|${to}`;
        let t = totals.get(key);
        if (t === undefined) {
          t = { from: [from], to: [to], direction, seen: 0, lost: 0, connections: 0, frames: [] };
          totals.set(key, t);
        }
        t.seen++;
        if (g.lostBetween === null || g.lostBetween[0] !== from || g.lostBetween[1] !== to) continue;
        t.lost++;
        if (!touched.has(t)) {
          touched.add(t);
          t.connections++;
        }
        if (t.frames.length < MAX_LOSS_FRAMES) {
          const trail = trailOf(m.byCapture.get(last.capture)!)!;
          t.frames.push({ capture: from, frame: trail.frame(last.index) });
        }
      }
    }
  }
  return [...totals.values()].filter((t) => t.lost > 0).sort((x, y) => y.lost - x.lost);
}
