import { TcpFlag } from '../../decode/packet-view.ts';
import { seqGt } from '../../tcp/seq.ts';
import { isCopyOf } from '../capture-copies.ts';
import { isGoodbye, SHORT_LAST_WORDS } from '../goodbye.ts';
import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role, seconds } from './rule.ts';

/**
 * The resetter had already closed (sent its FIN, and its application is gone), then the peer's
 * data arrived; a closed socket cannot deliver data to anyone, so the stack resets (RFC 9293
 * §3.10.7.4 for a fully closed socket; Linux also resets data arriving after close()).
 *
 * Whether that is a problem depends on what the peer knew and said:
 * - data whose ACK does not cover the FIN was sent before the FIN reached the peer: the two
 *   crossed on the wire, and the peer could not have known (often an answer to the resetter's own
 *   last request: the resetter closed while it was being answered);
 * - the peer's last words — a TLS close_notify, a QUIT, one short record right before (or with)
 *   its own FIN — are how many connections end: harmless;
 * - only data sent after the peer had seen the FIN, and more than a goodbye, is a peer still
 *   talking to a closed socket (or two sides that disagree on who closes first).
 */
export const dataAfterCloseRule: CauseRule = (ctx, origin, facts) => {
  if (!byEndpoint(ctx, origin) || facts.senderFin === null) return null;
  const fin = facts.senderFin;
  const finSeq = (fin.seq + fin.len) >>> 0;
  const peerPackets = ctx.before.filter(
    (p, i) =>
      p.fromClient !== ctx.fromClient &&
      (p.flags & TcpFlag.RST) === 0 &&
      p.frame > fin.frame &&
      !isCopyOf(p, ctx.before.slice(0, i)),
  );
  const late = peerPackets.filter((p) => p.len > 0 && p.tsMicros >= fin.tsMicros);
  if (late.length === 0) return null;
  const first = late[0];
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  // Sent after the peer had the FIN: its ACK covers the FIN's sequence slot.
  const informed = late.filter((p) => (p.flags & TcpFlag.ACK) !== 0 && seqGt(p.ack, finSeq));
  const peerFin = peerPackets.find((p) => (p.flags & TcpFlag.FIN) !== 0) ?? null;
  const peerMessage = ctx.fromClient ? ctx.lastServerMessage : ctx.lastClientMessage;
  const peerSummary = ctx.fromClient ? ctx.serverSummary : ctx.clientSummary;
  const informedBytes = informed.reduce((n, p) => n + p.len, 0);
  const lastInformed = informed[informed.length - 1];
  const goodbye =
    informed.length > 0 &&
    ((peerMessage !== null &&
      peerMessage.frame >= informed[0].frame &&
      isGoodbye(peerSummary, peerMessage)) ||
      (informedBytes <= SHORT_LAST_WORDS &&
        peerFin !== null &&
        peerFin.frame >= lastInformed.frame &&
        peerFin.tsMicros - lastInformed.tsMicros < 1_000_000));
  // The resetter's own request, which the peer's late data answers: the resetter closed (a FIN
  // only says it will send no more — RFC 9293 §3.6 half-close) while its request was being
  // answered, and the answer met a socket its application had already closed. The peer did
  // nothing wrong; the resetter did not wait for (or want) the answer.
  const ownMessage = ctx.fromClient ? ctx.lastClientMessage : ctx.lastServerMessage;
  const ownSummary = ctx.fromClient ? ctx.clientSummary : ctx.serverSummary;
  const ownIsRequest =
    ownMessage !== null &&
    ownMessage.frame < fin.frame &&
    (ownSummary !== null ? ownSummary.direction === 'request' : ctx.fromClient);
  // The resetter's own goodbye (a QUIT, a close_notify) then FIN: whatever the peer still said
  // (a 221, its own close_notify, data in flight) met a socket that was done — an ordinary end.
  const ownGoodbye = ownIsRequest && isGoodbye(ownSummary, ownMessage);
  // The peer's late message must be its first after that request: one it sent after answering
  // (a goodbye to the FIN) answers the close, not the request.
  const firstAfterOwn =
    ownMessage === null
      ? null
      : (ctx.c.messages?.messages.find(
          (m) => m.fromClient !== ctx.fromClient && m.frame > ownMessage.frame,
        ) ?? null);
  const answering =
    ownIsRequest && !ownGoodbye && peerMessage !== null && peerMessage === firstAfterOwn
      ? (ownSummary?.text ?? `${ownMessage.totalLength} bytes`)
      : null;
  const crossing = informed.length === 0;
  const benign = crossing || goodbye || ownGoodbye || answering !== null;
  const what = peerSummary !== null && peerMessage?.frame === first.frame ? ` (${peerSummary.text})` : '';
  const evidence = [
    {
      signal: 'fin-then-data',
      detail: `the ${sender} closed with FIN (frame ${fin.frame}); ${seconds(first.tsMicros - fin.tsMicros)} later the ${peer}'s ${first.len} bytes${what} arrived (frame ${first.frame}), answered by this reset`,
      frames: frames(ctx, fin.frame, first.frame, ctx.r.frame),
    },
  ];
  if (crossing) {
    evidence.push({
      signal: 'crossing',
      detail: `the ${peer}'s data acknowledges nothing beyond ${first.ack} (the FIN is at ${finSeq}): it was sent before the FIN reached the ${peer}`,
      frames: frames(ctx, first.frame),
    });
  } else if (goodbye) {
    evidence.push({
      signal: 'last-words',
      detail: `what the ${peer} sent after seeing the FIN is its own goodbye (${informedBytes} bytes${peerFin !== null ? `, then its FIN at frame ${peerFin.frame}` : ''})`,
      frames: frames(ctx, informed[0].frame, peerFin?.frame),
    });
  } else {
    evidence.push({
      signal: 'after-fin-seen',
      detail: `frame ${informed[0].frame} acknowledges the FIN: the ${peer} had seen the ${sender} close and still sent ${informedBytes} bytes`,
      frames: frames(ctx, informed[0].frame),
    });
  }
  if (answering !== null) {
    evidence.push({
      signal: 'own-request',
      detail: `the ${peer}'s data answers the ${sender}'s own request (${answering}, frame ${ownMessage!.frame}), sent before its FIN`,
      frames: frames(ctx, ownMessage!.frame, first.frame),
    });
  }
  let summary: string;
  if (ownGoodbye && !goodbye)
    summary = `The ${sender} said goodbye (${ownSummary!.text}) and closed; what the ${peer} still sent${what} reached the closed socket, which reset: an ordinary end of connection.`;
  else if (goodbye)
    summary = `The ${peer}'s last words${what || ` (${informedBytes} bytes)`} came after the ${sender}'s FIN, so the ${sender}'s closed socket answered with a reset: an ordinary end of connection.`;
  else if (answering !== null)
    summary = `The ${sender} closed the connection while the ${peer} was still answering its request (${answering}); the answer${crossing ? ', which crossed the FIN,' : ''} reached a closed socket, which reset. Harmless unless the ${sender} wanted that answer.`;
  else if (crossing)
    summary = `The ${peer}'s data crossed the ${sender}'s FIN on the wire (sent before the FIN reached it), so the ${sender}'s closed socket answered with a reset.`;
  else
    summary = `The ${peer} kept sending after it had seen the ${sender} close the connection, so the ${sender}'s stack answered with a reset.`;
  // The resetter closed right after its own error answer (an SMTP 5xx, an HTTP 4xx…): the error
  // is why the connection ended, and app-error says so; this rule only names the mechanism.
  const closedOnError = ownSummary?.error === true && ownMessage !== null && ownMessage.frame < fin.frame;
  return {
    cause: 'data-after-close',
    confidence: (benign ? 0.75 : 0.8) - (closedOnError ? 0.1 : 0),
    severity: benign ? 'benign' : 'problem',
    evidence,
    summary,
    nextStep: !benign
      ? `Check the ${peer} application on ${ctx.receiverAddress}: it keeps writing after the other side closed (it should read the FIN / EOF and stop), or the two sides disagree on who closes first.`
      : answering !== null && !goodbye
        ? `Nothing to do for the network; if the ${sender} should have read the answer, check why its application closed before it came (a timeout, a cancelled request, or a fire-and-forget client).`
        : 'Nothing to do unless the application reports errors at close time.',
  };
};
