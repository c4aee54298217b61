import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role, seconds } from './rule.ts';

/**
 * The sender's retransmission timer resent one segment again and again without an
 * acknowledgement reaching it, then the sender gave up with a reset. Windows does this after 5
 * retransmissions (TcpMaxDataRetransmissions); Linux gives up silently (see the failure
 * `retransmission-timeout`). The path or the peer dropped the segment or its ACKs.
 *
 * Only a segment still outstanding at the reset counts, resent at a timer's pace — copies of one
 * packet, fast retransmissions and a handshake SYN long since answered do not (stalled-segment.ts).
 */
export const retransmissionExhaustedRule: CauseRule = (ctx, origin, facts) => {
  if (!byEndpoint(ctx, origin)) return null;
  const s = facts.senderStalled;
  if (s === null || s.times.length < 3) return null;
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  const rexmits = s.times.length - 1;
  const ackLost = s.ackedBy !== null;
  const waited = ctx.r.tsMicros - s.times[s.times.length - 1];
  return {
    cause: 'retransmission-exhausted',
    confidence: Math.min(0.95, 0.6 + 0.07 * rexmits + (s.backoff ? 0.1 : 0)),
    severity: 'problem',
    evidence: [
      {
        signal: 'retransmissions',
        detail: `the ${sender}'s segment at seq ${s.seq} (${s.len} bytes) was sent ${s.times.length} times${ackLost ? `, ${s.times.filter((t) => t > s.ackedBy!.tsMicros).length} of them after the ${peer} acknowledged it (frame ${s.ackedBy!.frame}): its ACKs never reached the ${sender}` : ' without an ACK'}${s.backoff ? ', with exponential backoff' : ''} (gaps ${s.gaps.map((d) => seconds(d)).join(', ')}${s.ignored > 0 ? `; ${s.ignored} closer repeats not counted` : ''}); ${seconds(waited)} after the last one the ${sender} reset`,
        frames: frames(ctx, ...s.frames.slice(0, 8), s.ackedBy?.frame, ctx.r.frame),
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
