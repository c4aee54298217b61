import { TcpFlag } from '../../decode/packet-view.ts';
import { seqDiff, seqGt } from '../../tcp/seq.ts';
import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role, seconds } from './rule.ts';

/**
 * A host answers a segment of a connection it no longer has: its stack replies as RFC 9293
 * §3.10.7.1 prescribes for "no such connection" — a bare RST whose seq is the segment's ACK. The
 * host lost the state (reboot, crash, restart, a load balancer or NAT failover behind the same
 * address), typically after an idle gap. If the host had closed the connection itself first,
 * that is `data-after-close` instead.
 *
 * The commonest harmless case: the peer reset the connection a moment ago and one of its packets
 * sent just before that reset arrived (or was captured) after it. The host, whose connection the
 * peer's reset already destroyed, answers it statelessly. That reset is an echo of the peer's,
 * whose own finding says why the connection ended.
 */
export const unknownConnectionRule: CauseRule = (ctx, origin, facts) => {
  const r = ctx.r;
  if (!byEndpoint(ctx, origin) || facts.senderFin !== null) return null;
  if (r.stateBefore === 'syn-sent' || r.stateBefore === 'syn-received') return null;
  const stateless = ctx.triggerMatch === 'ack-matches' && (r.flags & TcpFlag.ACK) === 0;
  if (!stateless) return null;
  const t = ctx.trigger!;
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  // Any earlier reset on the connection — either side's, however long ago — already destroyed
  // the state this stack lacks: its reply is an echo of that reset, not a state loss.
  const earlier = ctx.before.findLast((p) => (p.flags & TcpFlag.RST) !== 0 && p.frame < t.frame);
  if (earlier !== undefined) {
    const by = role(earlier.fromClient);
    const own = earlier.fromClient === ctx.fromClient;
    const ago = seconds(t.tsMicros - earlier.tsMicros);
    // The peer went on with new data beyond the earlier reset's seq: that reset carried the
    // peer's address but was not the peer's (a device forged it; its own finding says so). The
    // answer here is still this stack's stateless reply, but "the peer's reset" would misname it.
    const notPeers = !own && t.len > 0 && seqGt((t.seq + t.len) >>> 0, earlier.seq);
    const earlierName = notPeers
      ? `the reset at frame ${earlier.frame} that carried the ${by}'s address (not the ${by}'s own: it kept sending after it)`
      : `the ${by}'s reset at frame ${earlier.frame}`;
    return {
      cause: 'unknown-connection',
      confidence: 0.85,
      severity: 'benign',
      evidence: [
        {
          signal: own ? 'after-own-reset' : 'after-peer-reset',
          detail: `${notPeers ? `${earlierName} had ended the connection for the ${sender}` : `the ${by} had reset the connection at frame ${earlier.frame}`}; ${ago} later the ${peer}'s segment (frame ${t.frame}) reached the ${sender}'s stack, which no longer had the connection and answered with a bare RST whose seq is that segment's ACK`,
          frames: frames(ctx, earlier.frame, t.frame, r.frame),
        },
      ],
      summary: own
        ? `The ${sender} had already reset this connection itself (frame ${earlier.frame}); the ${peer}'s later segment got the stateless reply a closed connection gets.`
        : notPeers
          ? `An echo of ${earlierName}: the ${sender} had dropped the connection on that reset and answered the ${peer}'s segment that came ${ago} later.`
          : `An echo of the ${peer}'s reset at frame ${earlier.frame}: the ${sender} answered a ${peer} segment that came ${ago} after that reset had already ended the connection.`,
      nextStep: notPeers
        ? `Nothing to do for this reset itself; the reset at frame ${earlier.frame} has its own finding, which says who sent it.`
        : `Nothing to do for this reset; the reset at frame ${earlier.frame} has its own finding, which says why the connection ended${own ? '' : ` (and the ${peer} sending on a connection it had reset is worth a look only if it keeps doing so)`}.`,
    };
  }
  // The trigger acknowledges data of the resetter the capture never showed: it sent more than we
  // see (often its own close), so a lost state is only one reading among others.
  let senderEnd = -1;
  for (const p of ctx.before) {
    if (p.fromClient !== ctx.fromClient || (p.flags & TcpFlag.RST) !== 0) continue;
    const end = (p.seq + p.len + ((p.flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0 ? 1 : 0)) >>> 0;
    if (senderEnd < 0 || seqGt(end, senderEnd)) senderEnd = end;
  }
  const unseen =
    senderEnd >= 0 && (t.flags & TcpFlag.ACK) !== 0 && seqGt(t.ack, senderEnd)
      ? seqDiff(t.ack, senderEnd)
      : 0;
  const idle = facts.idleBeforeTrigger;
  const senderSilent =
    facts.lastSenderData === null || t.tsMicros - facts.lastSenderData.tsMicros > 5_000_000;
  let confidence = 0.55;
  if (idle > 30_000_000) confidence += 0.2;
  if (r.senderNextSeq >= 0 && r.seq !== r.senderNextSeq) confidence += 0.1;
  if (r.ipId === 0) confidence += 0.05;
  if (unseen > 0) confidence = Math.min(confidence, 0.4);
  return {
    cause: 'unknown-connection',
    confidence: Math.min(confidence, 0.9),
    severity: 'problem',
    evidence: [
      {
        signal: 'stateless-reply',
        detail: `bare RST with seq = the ACK of frame ${t.frame} (${t.len > 0 ? `${t.len} bytes of data` : 'a segment'}): the ${sender}'s stack had no connection for it`,
        frames: frames(ctx, t.frame, r.frame),
      },
      ...(unseen > 0
        ? [
            {
              signal: 'unseen-data',
              detail: `frame ${t.frame} acknowledges ${unseen} bytes of the ${sender}'s that the capture never showed: the ${sender} sent more than is seen here (perhaps its own close), so lost state is uncertain`,
              frames: frames(ctx, t.frame),
            },
          ]
        : []),
      ...(idle > 1_000_000
        ? [
            {
              signal: 'idle',
              detail: `the connection was idle for ${seconds(idle)} before frame ${t.frame}`,
              frames: frames(ctx, t.frame),
            },
          ]
        : []),
      ...(senderSilent && r.senderNextSeq >= 0 && r.seq !== r.senderNextSeq
        ? [
            {
              signal: 'seq',
              detail: `the reset's seq ${r.seq} is not where the ${sender}'s own stream stood (${r.senderNextSeq})`,
              frames: frames(ctx, r.frame),
            },
          ]
        : []),
    ],
    summary: `The ${sender} ${ctx.senderAddress} no longer knew this connection${idle > 1_000_000 ? ` after ${seconds(idle)} of idle time` : ''} and answered the ${peer}'s segment with a reset: its state was lost (restart, crash, failover, an address taken over, or a reset only it received).`,
    nextStep: `Check whether ${ctx.senderAddress} (or the load balancer/NAT in front of it) restarted or failed over at ${new Date(Math.floor(r.tsMicros / 1000)).toISOString()}${idle > 1_000_000 ? '; if connections idle that long are expected, enable keep-alives shorter than the idle period' : `, and whether a reset reached it that the ${peer} never sent (a capture at the ${sender} shows it)`}.`,
  };
};
