import type { Origin, PacketRef } from '../finding.ts';
import type { ResetContext } from '../reset-context.ts';

/** One scorer's opinion on who sent a reset, with the weight of its evidence. */
export interface OriginVote {
  origin: Origin;
  weight: number;
  signal: string;
  detail: string;
  frames: PacketRef[];
}

/** A scorer looks at one reset group and returns zero or more votes. */
export type OriginScorer = (ctx: ResetContext) => OriginVote[];

export function senderRole(ctx: ResetContext): 'client' | 'server' {
  return ctx.fromClient ? 'client' : 'server';
}

export function ref(ctx: ResetContext, frame: number): PacketRef {
  return { capture: ctx.c.capture, frame };
}
