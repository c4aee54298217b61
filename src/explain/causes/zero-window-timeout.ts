import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role } from './rule.ts';

/**
 * The receiver kept its window at zero (its application stopped reading); the sender probed the
 * window and finally gave up with a reset.
 */
export const zeroWindowTimeoutRule: CauseRule = (ctx, origin, facts) => {
  if (!byEndpoint(ctx, origin) || !facts.receiverWindowZero) return null;
  const zeroSince = ctx.before.find((p) => p.fromClient !== ctx.fromClient && p.window === 0 && p.len === 0);
  const probes = facts.senderWindowProbes;
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  const period = zeroSince !== undefined ? (ctx.r.tsMicros - zeroSince.tsMicros) / 1e6 : null;
  return {
    cause: 'zero-window-timeout',
    confidence: probes.length >= 2 ? 0.85 : 0.6,
    severity: 'problem',
    evidence: [
      {
        signal: 'zero-window',
        detail: `the ${peer} advertised a zero window${zeroSince ? ` from frame ${zeroSince.frame}` : ''}${period !== null ? ` for ${period.toFixed(1)} s` : ''}; the ${sender} sent ${probes.length} window probes, then reset`,
        frames: frames(ctx, zeroSince?.frame, ...probes.slice(0, 6).map((p) => p.frame), ctx.r.frame),
      },
    ],
    summary: `The ${peer} ${ctx.receiverAddress} stopped reading (zero window) and the ${sender} gave up waiting with a reset.`,
    nextStep: `Look at the application on ${ctx.receiverAddress}: it stopped consuming data (blocked, overloaded or hung).`,
  };
};
