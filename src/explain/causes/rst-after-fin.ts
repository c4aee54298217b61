import type { CauseRule } from './rule.ts';
import { frames } from './rule.ts';

/**
 * A reset during or after a graceful close with no data pending: one side finishes the close
 * abortively (common for clients and load balancers) or a late ACK/FIN meets a socket that is
 * already gone. Usually harmless.
 */
export const rstAfterFinRule: CauseRule = (ctx, _origin, facts) => {
  if (facts.senderFin === null && facts.receiverFin === null) return null;
  const fin = facts.receiverFin ?? facts.senderFin!;
  // Data from the reset's receiver after the close began would be data-after-close; the resetter
  // itself may still finish talking (a TLS close_notify) before its reset.
  const firstFin = [facts.senderFin, facts.receiverFin]
    .filter((f) => f !== null)
    .sort((a, b) => a.frame - b.frame)[0]!;
  const peerDataAfterFin = ctx.before.some(
    (p) => p.len > 0 && p.frame > firstFin.frame && p.fromClient !== ctx.fromClient,
  );
  if (peerDataAfterFin) return null;
  const both = facts.senderFin !== null && facts.receiverFin !== null;
  return {
    cause: 'rst-after-fin',
    confidence: both ? 0.75 : 0.6,
    severity: 'benign',
    evidence: [
      {
        signal: 'graceful-close',
        detail: `${both ? 'both sides had sent FIN' : `the ${fin === facts.senderFin ? 'resetter' : 'peer'} had sent FIN (frame ${fin.frame})`} before the reset, with no data from the other side after it`,
        frames: frames(ctx, facts.senderFin?.frame, facts.receiverFin?.frame, ctx.r.frame),
      },
    ],
    summary:
      'The reset came during or after a normal FIN close with no data outstanding: the connection was already ending.',
    nextStep: 'Nothing to do unless the application reports errors at close time.',
  };
};
