import type { PacketRef } from '../finding.ts';
import type { OriginVote } from '../origin/vote.ts';
import type { ResetContext } from '../reset-context.ts';
import type { VantageIndex } from './cross-check.ts';
import { senderAdjacent } from './positions.ts';

/**
 * Was a reset seen leaving the host whose address it carries? Each other capture holding the
 * connection either shows the same reset (captured next to the claimed sender: it left that host)
 * or not; absence means something only if that capture lies between the claimed sender and this
 * one, was recording at that moment, and had seen the connection's packets from that sender
 * before — then the sender never sent it. A capture on the path that never saw the connection at
 * all says the claimed sender cannot have answered it (a firewall reject of a SYN).
 */
export interface CrossCheck {
  votes: OriginVote[];
  /** The same reset packet in other captures. */
  elsewhere: PacketRef[];
  /** Set when a capture next to the claimed sender shows the connection around the moment and not
   *  the reset: the sender never sent it, whatever the other signals say. */
  decisive: string | null;
}

/**
 * A reset may arrive this long (µs) after the last packet of the capture that should show it
 * leaving and still count as absent from it: a file ends with its last packet, not when the
 * capture stopped, and people stop captures seconds later. Absence decides the origin only within
 * DECISIVE_TAIL (a host's last word often comes just after the capture's last sign of the
 * connection); up to ABSENCE_TAIL it is a strong vote, as a capture might have been cut just before.
 */
const DECISIVE_TAIL = 100_000;
const ABSENCE_TAIL = 1_000_000;

export function checkReset(index: VantageIndex, ctx: ResetContext): CrossCheck {
  const out: CrossCheck = { votes: [], elsewhere: [], decisive: null };
  const c = ctx.c;
  const here = index.sketchOf(c.capture, c.id);
  if (here === undefined) return out;
  const m = index.matchOf(c.capture, c.id);
  const role = ctx.fromClient ? 'client' : 'server';
  const holders = m === undefined ? [c.capture] : [...m.byCapture.keys()];
  // The captures holding the connection, nearest the claimed sender first.
  const nearestFirst = index.order.fromSender(ctx.fromClient, holders);
  for (const r of ctx.group) {
    for (const [capture, there] of m?.byCapture ?? []) {
      if (capture === c.capture) continue;
      const same = there.resets.find(
        (x) => x.fromClient === r.fromClient && x.seq === r.seq && x.flags === r.flags,
      );
      const nearer = index.nearer(r.fromClient, here, there);
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
            detail: `the same reset was captured next to the ${role} (${index.label(capture)}, frame ${same.frame}): it left the ${role}`,
            frames,
          });
        } else if (nearer === true) {
          out.votes.push({
            origin: role,
            weight: 1,
            signal: 'vantage',
            detail: `the same reset already passed ${index.label(capture)} (frame ${same.frame}), nearer the ${role}`,
            frames,
          });
        }
        continue;
      }
      // Absent there. It only means something if that capture lies between the purported sender
      // and this one, was recording at that moment (its own time span, clocks aligned), and had
      // seen this connection — with packets from the claimed sender — before it.
      if (nearer !== true || !index.covers(capture, r.tsMicros, c.capture, ABSENCE_TAIL)) continue;
      const surely = index.covers(capture, r.tsMicros, c.capture, DECISIVE_TAIL);
      const tThere = index.convert(r.tsMicros, c.capture, capture);
      const senderPackets = r.fromClient ? there.clientPackets : there.serverPackets;
      if (there.start > tThere || senderPackets === 0) continue;
      const detail = `absent from ${index.label(capture)}, which lies nearer the ${role}, was recording then and shows this connection's packets from the ${role} before it: the ${role} never sent it`;
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
  for (const x of index.absentOnPath(c.capture, here, m, ABSENCE_TAIL)) {
    if (index.order.nearerSide(ctx.fromClient, c.capture, x) !== true) continue;
    if (!index.covers(x, ctx.r.tsMicros, c.capture, ABSENCE_TAIL)) continue;
    const detail = `${index.label(x)}, nearer the ${role}, recorded other traffic between these hosts around then but never saw this connection: its packets never reached the ${role}, so the ${role} cannot have answered with this reset`;
    out.votes.push({
      origin: 'middlebox',
      weight: 6,
      signal: 'vantage',
      detail,
      frames: [{ capture: c.capture, frame: ctx.r.frame }],
    });
    if (index.covers(x, ctx.r.tsMicros, c.capture, DECISIVE_TAIL)) out.decisive ??= detail;
  }
  return out;
}
