import { errorAdvice } from '../error-advice.ts';
import { isGoodbye } from '../goodbye.ts';
import { summarizeMessage } from '../message-summary.ts';
import type { CauseRule } from './rule.ts';
import { frames, role, seconds } from './rule.ts';

/**
 * The application answered with an error (HTTP 4xx/5xx, SMTP/FTP 4xx/5xx, an SMB error status, a
 * fatal TLS alert) and then the connection was reset — by the side that gave up after the error,
 * or by the side that reported it. The error is the reason; the reset is how it ended. Who must
 * act depends on what the error says (error-advice.ts), not on who said it.
 *
 * An "error" answering a goodbye (STATUS_USER_SESSION_DELETED for a second LOGOFF) is the
 * session ending, not a failure.
 */
export const appErrorRule: CauseRule = (ctx, _origin, facts) => {
  const candidates = [
    { s: ctx.serverSummary, m: ctx.lastServerMessage, fromClient: false },
    { s: ctx.clientSummary, m: ctx.lastClientMessage, fromClient: true },
  ].filter((x) => x.s?.error && x.m !== null);
  if (candidates.length === 0) return null;
  const latest = candidates.sort((a, b) => b.m!.frame - a.m!.frame)[0];
  const error = latest.s!;
  const delay = ctx.r.tsMicros - latest.m!.tsMicros;
  if (delay > 30_000_000) return null;
  // The request the error answers: the other side's last message before it.
  const askMessage =
    (ctx.c.messages?.messages ?? []).findLast(
      (m) => m.fromClient !== latest.fromClient && m.frame < latest.m!.frame,
    ) ?? null;
  const request = summarizeMessage(ctx.c, askMessage);
  if (request !== null && isGoodbye(request, askMessage)) return null;
  // The error must be the last word: no new request after it.
  const newer = latest.fromClient ? ctx.lastServerMessage : ctx.lastClientMessage;
  if (newer !== null && newer.frame > latest.m!.frame && facts.lastPacket !== null) {
    const again = ctx.fromClient ? ctx.clientSummary : ctx.serverSummary;
    if (again !== null && !again.error && newer.fromClient === ctx.fromClient && delay > 5_000_000)
      return null;
  }
  const teller = role(latest.fromClient);
  const asker = role(!latest.fromClient);
  const resetter = role(ctx.fromClient);
  const advice = errorAdvice(error, request, teller, asker);
  const tellerFin = ctx.fromClient === latest.fromClient ? facts.senderFin : facts.receiverFin;
  const closedAfter = tellerFin !== null && tellerFin.frame > latest.m!.frame;
  const asked = request !== null ? `${asker}'s ${request.text}` : `${asker}'s request`;
  return {
    cause: 'app-error',
    confidence: delay < 5_000_000 ? 0.8 : 0.6,
    severity: 'problem',
    evidence: [
      {
        signal: 'application-error',
        detail: `the ${teller} answered${request !== null ? ` the ${asked}` : ''} with "${error.text}" (frame ${latest.m!.frame})${closedAfter ? ` and closed (FIN, frame ${tellerFin.frame})` : ''}; ${seconds(delay)} later the ${resetter} reset`,
        frames: frames(
          ctx,
          askMessage?.frame,
          latest.m!.frame,
          closedAfter ? tellerFin.frame : null,
          ctx.r.frame,
        ),
      },
    ],
    summary:
      error.protocol === 'tls'
        ? `The ${teller} ended the TLS session with an alert (${error.text})${closedAfter ? ' and closed the connection' : ''}; the ${resetter} then reset it.`
        : `The ${teller} answered the ${asked} with an error (${error.text})${closedAfter ? ' and closed the connection' : ''}; the ${resetter} then reset it.`,
    app: { ...(request !== null ? { request: request.text } : {}), response: error.text, error: true },
    nextStep: `On the ${advice.fix === 'requester' ? asker : teller} side, check ${advice.check}; the reset is only how the failed exchange ended, not a network fault.`,
  };
};
