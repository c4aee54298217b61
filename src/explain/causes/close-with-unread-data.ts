import { TcpFlag } from '../../decode/packet-view.ts';
import { isGoodbye } from '../goodbye.ts';
import type { ResetContext } from '../reset-context.ts';
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
  // The peer had finished: its last data was followed by its own FIN (an LDAP unbind, a TLS
  // close_notify, an SSH disconnect, then FIN). Nothing it waits for was lost; the reset only
  // ends a connection both sides were done with (rst-after-fin says so).
  if (facts.receiverFin !== null && facts.receiverFin.frame >= data.frame && !awaitsAnswer(ctx)) return null;
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

/**
 * Whether the peer's last message is a request that expects an answer even though the peer
 * half-closed after it (an HTTP/1.0-style request then FIN): a recognised plaintext request that
 * is no goodbye. Unrecognised messages followed by FIN are read as closing words, and so is TLS
 * data: TLS has no half-close (RFC 8446 §6.1), a FIN after it ends the session.
 */
function awaitsAnswer(ctx: ResetContext): boolean {
  const summary = ctx.fromClient ? ctx.serverSummary : ctx.clientSummary;
  const message = ctx.fromClient ? ctx.lastServerMessage : ctx.lastClientMessage;
  return (
    summary !== null &&
    summary.protocol !== 'tls' &&
    summary.direction === 'request' &&
    !summary.error &&
    !isGoodbye(summary, message)
  );
}
