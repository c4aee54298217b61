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
  return {
    cause: 'data-after-close',
    confidence: 0.8,
    severity: 'problem',
    evidence: [
      {
        signal: 'fin-then-data',
        detail: `the ${sender} closed with FIN (frame ${fin.frame}); ${seconds(first.tsMicros - fin.tsMicros)} later the ${peer} still sent ${first.len} bytes (frame ${first.frame}), answered by this reset`,
        frames: frames(ctx, fin.frame, first.frame, ctx.r.frame),
      },
    ],
    summary: `The ${peer} sent data after the ${sender} had closed the connection, so the ${sender}'s stack answered with a reset.`,
    nextStep: `Check the ${peer} application on ${ctx.receiverAddress}: it keeps writing after the other side closed (it should read the FIN / EOF and stop), or the two sides disagree on who closes first.`,
  };
};
