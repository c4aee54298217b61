import type { CauseRule } from './rule.ts';
import { frames, role, seconds } from './rule.ts';

/**
 * The application answered with an error (HTTP 4xx/5xx, SMTP/FTP 4xx/5xx, an SMB error status, a
 * fatal TLS alert) and then the connection was reset — by the side that gave up after the error,
 * or by the side that reported it. The error is the reason; the reset is how it ended.
 */
export const appErrorRule: CauseRule = (ctx, _origin, facts) => {
  const candidates = [
    { s: ctx.serverSummary, m: ctx.lastServerMessage, fromClient: false },
    { s: ctx.clientSummary, m: ctx.lastClientMessage, fromClient: true },
  ].filter((x) => x.s?.error && x.m !== null);
  if (candidates.length === 0) return null;
  const latest = candidates.sort((a, b) => b.m!.frame - a.m!.frame)[0];
  const delay = ctx.r.tsMicros - latest.m!.tsMicros;
  if (delay > 30_000_000) return null;
  // The error must be the last word: no new request after it.
  const newerOther = latest.fromClient ? ctx.lastServerMessage : ctx.lastClientMessage;
  if (newerOther !== null && newerOther.frame > latest.m!.frame && facts.lastPacket !== null) {
    const again = ctx.fromClient ? ctx.clientSummary : ctx.serverSummary;
    if (again !== null && !again.error && newerOther.fromClient === ctx.fromClient && delay > 5_000_000)
      return null;
  }
  const teller = role(latest.fromClient);
  return {
    cause: 'app-error',
    confidence: delay < 5_000_000 ? 0.8 : 0.6,
    severity: 'problem',
    evidence: [
      {
        signal: 'application-error',
        detail: `the ${teller} answered "${latest.s!.text}" (frame ${latest.m!.frame}); ${seconds(delay)} later the ${role(ctx.fromClient)} reset`,
        frames: frames(ctx, latest.m!.frame, ctx.r.frame),
      },
    ],
    summary: `The ${teller} application reported an error (${latest.s!.text}) and the connection was then reset by the ${role(ctx.fromClient)}.`,
    nextStep: `Fix what the error says on the ${teller} side (${latest.s!.text}); the reset is only how the ${role(ctx.fromClient)} ended the failed exchange.`,
  };
};
