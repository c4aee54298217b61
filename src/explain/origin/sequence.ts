import { TcpFlag } from '../../decode/packet-view.ts';
import type { ResetRecord } from '../../tcp/reset-record.ts';
import { seqDiff } from '../../tcp/seq.ts';
import type { ResetContext } from '../reset-context.ts';
import type { OriginVote } from './vote.ts';
import { ref, senderRole } from './vote.ts';

/**
 * Sequence plausibility: a stack resetting its own connection uses its own next sequence number;
 * a stack answering a segment it has no connection for uses that segment's ACK (RFC 9293
 * §3.10.7.1). Blind injectors guess and spray several values; on-path ones copy what they saw, so
 * an exact match is only mild evidence for the endpoint.
 */
export function sequenceScorer(ctx: ResetContext): OriginVote[] {
  const r = ctx.r;
  const role = senderRole(ctx);
  const votes: OriginVote[] = [];
  const frames = [ref(ctx, r.frame)];
  if (r.senderNextSeq >= 0 && r.seq === r.senderNextSeq) {
    votes.push({
      origin: role,
      weight: 1,
      signal: 'seq',
      detail: `seq ${r.seq} is exactly the ${role}'s next sequence number`,
      frames,
    });
  } else if (ctx.triggerMatch === 'ack-matches' && ctx.trigger !== null) {
    votes.push({
      origin: role,
      weight: 0.5,
      signal: 'seq',
      detail: `seq ${r.seq} copies the ACK of frame ${ctx.trigger.frame}: a reply to a segment the sender had no connection for`,
      frames: [ref(ctx, ctx.trigger.frame), ref(ctx, r.frame)],
    });
  }
  // Several resets from one side with different sequence numbers: spraying to hit the window —
  // unless each number is one the host itself had reason to use: its next sequence number, or
  // the ACK of a segment it was answering (a closed socket replies to every segment that
  // reaches it, RFC 9293 §3.10.7.1, each reset copying that segment's ACK).
  const same = ctx.group.filter((g) => g.fromClient === ctx.fromClient);
  const distinct = new Set(same.map((g) => g.seq));
  const plausible = [...distinct].every((seq) => hostCouldUse(ctx, same, seq));
  if (
    !plausible &&
    (distinct.size >= 3 || (distinct.size === 2 && !same.some((g) => g.seq === r.senderNextSeq)))
  ) {
    const spread = Math.max(...same.map((g) => Math.abs(seqDiff(g.seq, r.seq))));
    votes.push({
      origin: 'middlebox',
      weight: 1.5,
      signal: 'seq-spray',
      detail: `${same.length} resets from the ${role} with ${distinct.size} different sequence numbers (spread ${spread}), not all of them the ${role}'s own next sequence number or an ACK it had received`,
      frames: same.map((g) => ref(ctx, g.frame)),
    });
  }
  // Bare RST (no ACK) in reply to a SYN: a stack always acknowledges the SYN it refuses.
  if ((r.flags & TcpFlag.ACK) === 0 && r.stateBefore === 'syn-sent' && !ctx.fromClient) {
    votes.push({
      origin: 'middlebox',
      weight: 1,
      signal: 'seq',
      detail: 'a reset without ACK answering a SYN: stacks refusing a SYN acknowledge it (RST/ACK)',
      frames,
    });
  }
  return votes;
}

/** Whether `seq` is the sender's own next sequence number at one of its resets, or an ACK the
 *  peer sent (seen in the history, or inside the range of the peer's ACKs where the bounded
 *  history has a gap). */
function hostCouldUse(ctx: ResetContext, resets: readonly ResetRecord[], seq: number): boolean {
  if (resets.some((g) => g.senderNextSeq === seq)) return true;
  const last = resets[resets.length - 1];
  const seen = [...ctx.before, ...last.history.packets(), ...ctx.after].filter(
    (p) => p.fromClient !== ctx.fromClient && (p.flags & TcpFlag.ACK) !== 0 && (p.flags & TcpFlag.RST) === 0,
  );
  if (seen.some((p) => p.ack === seq)) return true;
  if (!last.history.hasGap || seen.length === 0) return false;
  let lo = seen[0].ack;
  let hi = seen[0].ack;
  for (const p of seen) {
    if (seqDiff(p.ack, lo) < 0) lo = p.ack;
    if (seqDiff(p.ack, hi) > 0) hi = p.ack;
  }
  return seqDiff(seq, lo) >= 0 && seqDiff(hi, seq) >= 0;
}
