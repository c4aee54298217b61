import type { ResetContext } from '../reset-context.ts';
import { matchesHabits } from './habits.ts';
import type { OriginVote } from './vote.ts';
import { ref } from './vote.ts';

/**
 * Resets toward both ends at the same moment. A device in the path that kills a connection sends
 * one reset toward each host at once, each carrying the other host's address — and its own TTL
 * and IP ID. Two stacks closing at the same time also reset each other (each answering the
 * other's last segment), and then each reset carries its own host's TTL and continues its IP-ID
 * counter. So the vote counts only when at least one of the two resets is unlike its claimed
 * sender.
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
  const clientLike = matchesHabits(ctx, a);
  const serverLike = matchesHabits(ctx, b);
  if (clientLike !== false && serverLike !== false) return [];
  return [
    {
      origin: 'middlebox',
      weight: 3,
      signal: 'both-ends',
      detail: `resets toward both hosts within ${(gap / 1000).toFixed(2)} ms (frames ${a.frame} and ${b.frame}); ${clientLike === false && serverLike === false ? 'neither carries the TTL / IP ID of the host it claims' : `the one "from the ${clientLike === false ? 'client' : 'server'}" does not carry that host's TTL / IP ID`}: each "reset" the other at the same instant`,
      frames: [ref(ctx, a.frame), ref(ctx, b.frame)],
    },
  ];
}
