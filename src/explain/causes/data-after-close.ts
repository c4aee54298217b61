import { TcpFlag } from '../../decode/packet-view.ts';
import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role, seconds } from './rule.ts';

/**
 * The resetter had already closed (sent its FIN, and its application is gone), then the peer
 * kept sending data; a closed socket cannot deliver data to anyone, so the stack resets
 * (RFC 9293 §3.10.7.4 for a fully closed socket; Linux also resets data arriving after close()).
 */
export const dataAfterCloseRule: CauseRule = (ctx, origin, facts) => {
  if (!byEndpoint(ctx, origin) || facts.senderFin === null) return null;
  const fin = facts.senderFin;
  const late = ctx.before.filter(
    (p) => p.fromClient !== ctx.fromClient && p.len > 0 && p.tsMicros >= fin.tsMicros && p.frame > fin.frame,
  );
  if (late.length === 0) return null;
  const first = late[0];
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  // A peer finishing its own close — a last TLS alert (close_notify) or data carried with its own
  // FIN — crossing the resetter's FIN is how many HTTPS connections end: harmless. Anything else
  // was the peer still talking to a closed socket.
  const peerMessage = ctx.fromClient ? ctx.lastServerMessage : ctx.lastClientMessage;
  const peerSummary = ctx.fromClient ? ctx.serverSummary : ctx.clientSummary;
  const closingWords =
    (first.flags & TcpFlag.FIN) !== 0 ||
    (peerMessage?.frame === first.frame &&
      peerSummary?.protocol === 'tls' &&
      /alert/i.test(peerSummary.text));
  return {
    cause: 'data-after-close',
    confidence: 0.8,
    severity: closingWords ? 'benign' : 'problem',
    evidence: [
      {
        signal: 'fin-then-data',
        detail: `the ${sender} closed with FIN (frame ${fin.frame}); ${seconds(first.tsMicros - fin.tsMicros)} later the ${peer} still sent ${first.len} bytes (frame ${first.frame}), answered by this reset`,
        frames: frames(ctx, fin.frame, first.frame, ctx.r.frame),
      },
    ],
    summary: closingWords
      ? `The ${peer}'s last words (${peerSummary?.text ?? `${first.len} bytes with its FIN`}) crossed the ${sender}'s FIN, so the ${sender}'s closed socket answered with a reset: an ordinary end of connection.`
      : `The ${peer} sent data after the ${sender} had closed the connection, so the ${sender}'s stack answered with a reset.`,
    nextStep: closingWords
      ? 'Nothing to do unless the application reports errors at close time.'
      : `Check the ${peer} application on ${ctx.receiverAddress}: it keeps writing after the other side closed (it should read the FIN / EOF and stop), or the two sides disagree on who closes first.`,
  };
};
