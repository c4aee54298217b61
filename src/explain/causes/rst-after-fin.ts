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
  const dataAfterFin = ctx.before.some(
    (p) =>
      p.len > 0 &&
      p.frame > fin.frame &&
      p.fromClient !== (fin === facts.senderFin ? ctx.fromClient : !ctx.fromClient),
  );
  if (dataAfterFin) return null;
  const both = facts.senderFin !== null && facts.receiverFin !== null;
  return {
    cause: 'rst-after-fin',
    confidence: both ? 0.75 : 0.6,
    severity: 'benign',
    evidence: [
      {
        signal: 'graceful-close',
        detail: `${both ? 'both sides had sent FIN' : `the ${fin === facts.senderFin ? 'resetter' : 'peer'} had sent FIN (frame ${fin.frame})`} before the reset, with no data after`,
        frames: frames(ctx, facts.senderFin?.frame, facts.receiverFin?.frame, ctx.r.frame),
      },
    ],
    summary:
      'The reset came during or after a normal FIN close with no data outstanding: the connection was already ending.',
    nextStep: 'Nothing to do unless the application reports errors at close time.',
  };
};
