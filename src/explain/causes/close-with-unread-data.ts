import { TcpFlag } from '../../decode/packet-view.ts';
import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role, seconds } from './rule.ts';

/**
 * The application closed while the peer's data sat unread in its receive buffer; the stack then
 * must not pretend a graceful close and sends a reset instead of a FIN (RFC 2525 §2.17; Linux
 * tcp_close()). On the wire: the peer sent data, the resetter acknowledged it but never answered
 * it, and a RST/ACK from the resetter's socket follows with no FIN.
 */
export const closeWithUnreadDataRule: CauseRule = (ctx, origin, facts) => {
  const r = ctx.r;
  if (!byEndpoint(ctx, origin) || facts.senderFin !== null || !facts.receiverDataUnanswered) return null;
  if ((r.flags & TcpFlag.ACK) === 0) return null;
  if (r.senderNextSeq >= 0 && r.seq !== r.senderNextSeq) return null;
  const data = facts.lastReceiverData!;
  const delay = r.tsMicros - data.tsMicros;
  // A long wait suggests the requester's timeout (app-timeout), not an unread buffer.
  if (delay > 5_000_000 && !ctx.fromClient) return null;
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  const app = ctx.fromClient ? ctx.serverSummary : ctx.clientSummary;
  // A client that asked and then got the server's data was reading an answer, not ignoring a
  // request: resetting after it is an abortive close of a finished exchange (app-abort).
  const answerToClient = ctx.fromClient && facts.lastSenderData !== null;
  if (answerToClient) return null;
  return {
    cause: 'close-with-unread-data',
    confidence: delay < 2_000_000 ? 0.7 : 0.5,
    severity: 'problem',
    evidence: [
      {
        signal: 'unread-data',
        detail: `the ${peer} sent ${data.len} bytes (frame ${data.frame}${app ? `, ${app.text}` : ''}) that the ${sender} never answered; ${seconds(delay)} later the ${sender} reset instead of closing with FIN`,
        frames: frames(ctx, data.frame, r.frame),
      },
    ],
    summary: `The ${sender}'s application closed the connection without reading the ${peer}'s last data${app ? ` (${app.text})` : ''}, so its stack sent a reset instead of a FIN.`,
    nextStep: `Look at the application on ${ctx.senderAddress}: it closes connections with unread input (an error path, a protocol mismatch, or a request it refuses without reading).`,
  };
};
