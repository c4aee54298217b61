import { TcpFlag } from '../../decode/packet-view.ts';
import type { ResetContext } from '../reset-context.ts';
import type { OriginVote } from './vote.ts';
import { ref, senderRole } from './vote.ts';

/**
 * IPv4 identification continuity. A connected socket's packets carry a per-socket counter, so a
 * reset the socket itself sent (linger-0 close, keep-alive timeout, unread data) continues the
 * sequence of the host's previous packets. An ID of 0 is what Linux puts in replies it sends
 * without a socket (DF set and no connected socket: "no such connection" resets, nftables
 * rejects) — neutral on its own, and noted.
 */
export function ipIdScorer(ctx: ResetContext): OriginVote[] {
  const r = ctx.r;
  if (r.ipId < 0) return [];
  const own = ctx.before.filter(
    (p) => p.fromClient === ctx.fromClient && (p.flags & TcpFlag.RST) === 0 && p.ipId >= 0,
  );
  const frames = [ref(ctx, r.frame)];
  if (own.length === 0) return [];
  const last = own[own.length - 1];
  const counting =
    own.length >= 2 &&
    own.every((p, i) => {
      if (i === 0) return true;
      const d = (p.ipId - own[i - 1].ipId) & 0xffff;
      return d >= 1 && d <= 64;
    });
  const allZero = own.every((p) => p.ipId === 0);
  const step = (r.ipId - last.ipId) & 0xffff;
  if (r.ipId === 0 && !allZero) {
    return [
      {
        origin: senderRole(ctx),
        weight: 0,
        signal: 'ip-id',
        detail: `IP ID 0 while the ${senderRole(ctx)}'s packets count up: a stateless reply (no socket), not the connection's own packet`,
        frames,
      },
    ];
  }
  if (counting && step >= 1 && step <= 64) {
    return [
      {
        origin: senderRole(ctx),
        weight: 1.5,
        signal: 'ip-id',
        detail: `IP ID ${r.ipId} continues the ${senderRole(ctx)}'s counter (last ${last.ipId} in frame ${last.frame})`,
        frames: [ref(ctx, last.frame), ref(ctx, r.frame)],
      },
    ];
  }
  if (counting && r.ipId !== 0) {
    return [
      {
        origin: 'middlebox',
        weight: 1,
        signal: 'ip-id',
        detail: `IP ID ${r.ipId} breaks the ${senderRole(ctx)}'s counter (last ${last.ipId} in frame ${last.frame})`,
        frames: [ref(ctx, last.frame), ref(ctx, r.frame)],
      },
    ];
  }
  return [];
}
