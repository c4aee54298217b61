import { TcpFlag } from '../../decode/packet-view.ts';
import type { ResetContext } from '../reset-context.ts';
import type { OriginVote } from './vote.ts';
import { ref } from './vote.ts';

/**
 * Arrival time against the round trip. At a capture next to the receiver, an answer from the far
 * host cannot arrive sooner than one RTT after the packet it answers; a reset that does was made
 * by something nearer.
 */
export function timingScorer(ctx: ResetContext): OriginVote[] {
  const t = ctx.trigger;
  if (t === null || ctx.rtt <= 0 || ctx.triggerMatch === 'last-from-peer') return [];
  const receiverIsLocal =
    (ctx.vantage === 'client' && !ctx.fromClient) || (ctx.vantage === 'server' && ctx.fromClient);
  if (!receiverIsLocal) return [];
  // A burst of segments carrying the same ACK (data, then a FIN) draws the same stateless reset;
  // it may answer the first of them, sent moments before the trigger: judge against that one.
  let first = t;
  if (ctx.triggerMatch === 'ack-matches') {
    for (let i = ctx.before.indexOf(t) - 1; i >= 0; i--) {
      const q = ctx.before[i];
      if (q.fromClient === ctx.fromClient) continue;
      if ((q.flags & TcpFlag.RST) !== 0 || q.ack !== t.ack || first.tsMicros - q.tsMicros > ctx.rtt) break;
      first = q;
    }
  }
  const delay = ctx.r.tsMicros - first.tsMicros;
  if (delay < 0) return [];
  const role = ctx.fromClient ? 'client' : 'server';
  if (delay < ctx.rtt * 0.5 && ctx.rtt - delay > 1000) {
    return [
      {
        origin: 'middlebox',
        weight: 3,
        signal: 'timing',
        detail: `answered frame ${first.frame} after ${(delay / 1000).toFixed(2)} ms, but the ${role} is ${(ctx.rtt / 1000).toFixed(2)} ms away (round trip)`,
        frames: [ref(ctx, first.frame), ref(ctx, ctx.r.frame)],
      },
    ];
  }
  if (delay >= ctx.rtt * 0.8) {
    return [
      {
        origin: role,
        weight: 0.5,
        signal: 'timing',
        detail: `arrived ${(delay / 1000).toFixed(2)} ms after frame ${first.frame}, consistent with the ${(ctx.rtt / 1000).toFixed(2)} ms round trip`,
        frames: [ref(ctx, first.frame), ref(ctx, ctx.r.frame)],
      },
    ];
  }
  return [];
}
