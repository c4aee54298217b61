import type { ResetContext } from '../reset-context.ts';
import type { OriginVote } from './vote.ts';
import { ref, senderRole } from './vote.ts';

/**
 * Header details a real stack would not produce on this connection: reserved bits set, or an
 * MD5 / TCP-AO option on a connection that never used one (a receiver validating signatures
 * drops such a reset; an evasion or injection tool adds it to confuse monitors).
 */
export function craftedScorer(ctx: ResetContext): OriginVote[] {
  const r = ctx.r;
  const votes: OriginVote[] = [];
  const frames = [ref(ctx, r.frame)];
  const role = senderRole(ctx);
  if (r.reservedBits !== 0) {
    votes.push({
      origin: 'middlebox',
      weight: 2,
      signal: 'crafted',
      detail: `reserved TCP header bits set (0x${r.reservedBits.toString(16)}): no ordinary stack sends that`,
      frames,
    });
  }
  if (r.hasMd5 || r.hasAuthOption) {
    votes.push({
      origin: 'middlebox',
      weight: 2,
      signal: 'crafted',
      detail: `the reset carries a ${r.hasMd5 ? 'TCP-MD5' : 'TCP-AO'} option on a connection whose ${role} never signed its packets`,
      frames,
    });
  }
  return votes;
}
