import { TcpFlag } from '../../decode/packet-view.ts';
import { seqDiff } from '../../tcp/seq.ts';
import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role, seconds } from './rule.ts';

/**
 * The application closed abortively: SO_LINGER with timeout 0, a crash, or a connection pool
 * recycling connections with a reset to skip TIME_WAIT. The reset comes from the socket itself
 * (seq = the sender's next sequence number, ACK set) with no TCP-level reason: no retransmissions,
 * no probes, no FIN before it.
 */
export const appAbortRule: CauseRule = (ctx, origin, facts) => {
  const r = ctx.r;
  if (!byEndpoint(ctx, origin) || facts.senderFin !== null) return null;
  if (r.stateBefore !== 'established' && r.stateBefore !== 'half-closed' && r.stateBefore !== 'partial')
    return null;
  // A TCP-level reason (a closed window, unanswered keep-alives) explains the reset better.
  if (facts.receiverWindowZero || facts.senderKeepAlives.length >= 2) return null;
  const fromSocket = (r.flags & TcpFlag.ACK) !== 0 && (r.senderNextSeq < 0 || r.seq === r.senderNextSeq);
  if (!fromSocket) return null;
  const sender = role(ctx.fromClient);
  // What the abort may have destroyed: a client's own unanswered request (it gave up on it), or
  // data the sender had sent that the peer had not yet acknowledged (a reset discards it, so the
  // end of a response can be lost).
  const outstandingRequest = ctx.fromClient && facts.senderDataUnanswered;
  const unacked =
    r.senderNextSeq >= 0 && r.receiverAckedSeq >= 0
      ? Math.max(0, seqDiff(r.senderNextSeq, r.receiverAckedSeq))
      : 0;
  const harmful = outstandingRequest || unacked > 0;
  const quiet = facts.lastPacket !== null && facts.silence < 1_000_000;
  // The peer's last message still unanswered: an unread request (or a greeting the resetter never
  // answered) makes close-with-unread-data as likely; a response to the resetter's own request is
  // a finished exchange. Without a summary, the client's messages are requests and the server's
  // answer the client's, unless the client had said nothing yet.
  const peerSummary = ctx.fromClient ? ctx.serverSummary : ctx.clientSummary;
  const peerIsRequest =
    peerSummary !== null
      ? peerSummary.direction === 'request' || facts.lastSenderData === null
      : !ctx.fromClient || facts.lastSenderData === null;
  const peerRequestPending = facts.receiverDataUnanswered && peerIsRequest;
  // The peer had begun a graceful close: rst-after-fin tells it better.
  const peerClosed = facts.receiverFin !== null;
  // Everything asked was answered and acknowledged, then the connection sat idle: what a server,
  // proxy or pool does to an idle keep-alive connection.
  const idleClose = !harmful && !peerRequestPending && facts.silence >= 1_000_000;
  return {
    cause: 'app-abort',
    confidence: peerRequestPending ? 0.45 : peerClosed ? 0.55 : 0.7,
    severity: harmful ? 'problem' : 'benign',
    evidence: [
      {
        signal: 'abortive-close',
        detail: `RST/ACK with seq = the ${sender}'s next sequence number (${r.seq}), no FIN before it, no retransmission or probe: the ${sender}'s application closed the socket abortively`,
        frames: frames(ctx, r.frame),
      },
      ...(unacked > 0
        ? [
            {
              signal: 'unacked-data',
              detail: `${unacked} bytes the ${sender} had sent were not yet acknowledged: the reset may have destroyed them before the ${role(!ctx.fromClient)} read them`,
              frames: frames(ctx, r.frame),
            },
          ]
        : []),
      ...(facts.lastPacket !== null
        ? [
            {
              signal: 'timing',
              detail: `${seconds(facts.silence)} after the previous packet (frame ${facts.lastPacket.frame})${quiet ? '' : ' of silence'}`,
              frames: frames(ctx, facts.lastPacket.frame),
            },
          ]
        : []),
    ],
    summary: idleClose
      ? `The ${sender} ${ctx.senderAddress} closed the connection with a reset after ${seconds(facts.silence)} of idle time, every exchange finished: an idle connection closed abortively (a keep-alive timeout with linger 0, or pool recycling).`
      : `The ${sender} ${ctx.senderAddress}'s application ended the connection with a reset instead of a normal close (linger 0, a crash, or pool recycling).`,
    nextStep: outstandingRequest
      ? `Ask why the application on ${ctx.senderAddress} aborted with its own request outstanding (crash logs, timeouts configured in the client library).`
      : unacked > 0
        ? `Check the ${sender} application on ${ctx.senderAddress}: it aborted while ${unacked} bytes were still in flight, so the ${role(!ctx.fromClient)} may have lost the end of the data (use a normal close, or linger with a timeout).`
        : `Usually harmless (connection pools and load balancers do this to avoid TIME_WAIT); if users see errors, check the ${sender} application's close/linger settings.`,
  };
};
