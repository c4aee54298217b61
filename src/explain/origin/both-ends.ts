import type { ResetContext } from '../reset-context.ts';
import type { OriginVote } from './vote.ts';
import { ref } from './vote.ts';

/**
 * Resets toward both ends at the same moment. Two stacks do not decide to abort the same
 * connection within milliseconds of each other; a device in the path that kills a connection
 * sends one reset toward each host at once.
 */
export function bothEndsScorer(ctx: ResetContext): OriginVote[] {
  const fromClient = ctx.group.filter((g) => g.fromClient);
  const fromServer = ctx.group.filter((g) => !g.fromClient);
  if (fromClient.length === 0 || fromServer.length === 0) return [];
  const a = fromClient[0];
  const b = fromServer[0];
  const gap = Math.abs(a.tsMicros - b.tsMicros);
  const window = Math.max(10_000, ctx.rtt > 0 ? ctx.rtt / 2 : 0);
  if (gap > window) return [];
  return [
    {
      origin: 'middlebox',
      weight: 3,
      signal: 'both-ends',
      detail: `resets toward both hosts within ${(gap / 1000).toFixed(2)} ms (frames ${a.frame} and ${b.frame}): each "reset" the other at the same instant`,
      frames: [ref(ctx, a.frame), ref(ctx, b.frame)],
    },
  ];
}
