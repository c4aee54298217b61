import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role, seconds } from './rule.ts';

/**
 * The sender retransmitted one segment again and again without an acknowledgement, then gave up
 * with a reset. Windows does this after 5 retransmissions (TcpMaxDataRetransmissions); Linux
 * gives up silently (see the failure `retransmission-timeout`). The path or the peer dropped the
 * segment or its ACKs.
 */
export const retransmissionExhaustedRule: CauseRule = (ctx, origin) => {
  if (!byEndpoint(ctx, origin)) return null;
  const log = ctx.c.retransmissions;
  if (log === null) return null;
  // Segments the peer acknowledged but the sender kept sending count too: the ACKs were lost on
  // the way back (seen from the peer's side of the path as spurious retransmissions).
  const worst = log.segments
    .filter((s) => s.fromClient === ctx.fromClient && s.times[0] <= ctx.r.tsMicros)
    .sort((a, b) => b.sends - a.sends)[0];
  if (worst === undefined || worst.sends < 3) return null;
  const intervals = worst.times.slice(1).map((t, i) => t - worst.times[i]);
  const backoff = intervals.length >= 2 && intervals.every((d, i) => i === 0 || d >= intervals[i - 1] * 1.5);
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  const rexmits = worst.sends - 1;
  const ackLost = worst.acked;
  return {
    cause: 'retransmission-exhausted',
    confidence: Math.min(0.95, 0.6 + 0.07 * rexmits + (backoff ? 0.1 : 0)),
    severity: 'problem',
    evidence: [
      {
        signal: 'retransmissions',
        detail: `the ${sender}'s segment at seq ${worst.seq} (${worst.len} bytes) was sent ${worst.sends} times${ackLost ? ` although the ${peer} acknowledged it: its ACKs never reached the ${sender}` : ' without an ACK'}${backoff ? ', with exponential backoff' : ''} (gaps ${intervals.map((d) => seconds(d)).join(', ')}), then the ${sender} reset`,
        frames: frames(ctx, ...worst.frames.slice(0, 8), ctx.r.frame),
      },
    ],
    summary: ackLost
      ? `The ${sender} ${ctx.senderAddress} retransmitted the same segment ${rexmits} times and gave up with a reset, although the ${peer} acknowledged it: the ${peer}'s ACKs were lost on the way back.`
      : `The ${sender} ${ctx.senderAddress} retransmitted the same segment ${rexmits} times without any acknowledgement and then gave up with a reset: the ${peer} or the path stopped answering.`,
    nextStep: ackLost
      ? `Find where packets from ${ctx.receiverAddress} toward ${ctx.senderAddress} are dropped (a firewall or route on the return path).`
      : `Find where packets between ${ctx.clientLabel} and ${ctx.serverLabel} are lost (a capture at the ${peer} shows whether the segments arrive); check MTU/fragmentation if only large segments are affected.`,
  };
};
