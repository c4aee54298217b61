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
  const delay = ctx.r.tsMicros - t.tsMicros;
  if (delay < 0) return [];
  const role = ctx.fromClient ? 'client' : 'server';
  if (delay < ctx.rtt * 0.5 && ctx.rtt - delay > 1000) {
    return [
      {
        origin: 'middlebox',
        weight: 3,
        signal: 'timing',
        detail: `answered frame ${t.frame} after ${(delay / 1000).toFixed(2)} ms, but the ${role} is ${(ctx.rtt / 1000).toFixed(2)} ms away (round trip)`,
        frames: [ref(ctx, t.frame), ref(ctx, ctx.r.frame)],
      },
    ];
  }
  if (delay >= ctx.rtt * 0.8) {
    return [
      {
        origin: role,
        weight: 0.5,
        signal: 'timing',
        detail: `arrived ${(delay / 1000).toFixed(2)} ms after frame ${t.frame}, consistent with the ${(ctx.rtt / 1000).toFixed(2)} ms round trip`,
        frames: [ref(ctx, t.frame), ref(ctx, ctx.r.frame)],
      },
    ];
  }
  return [];
}
