import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, role } from './rule.ts';

/**
 * Keep-alive probes (an empty or 1-byte segment at next-expected − 1, RFC 9293 §3.8.4) went
 * unanswered; after the configured count the prober declares the peer dead and resets (Linux does
 * send a reset here, with reason TCP_KEEPALIVE_TIMEOUT).
 */
export const keepaliveTimeoutRule: CauseRule = (ctx, origin, facts) => {
  if (!byEndpoint(ctx, origin) || facts.senderKeepAlives.length < 2) return null;
  const probes = facts.senderKeepAlives;
  const sender = role(ctx.fromClient);
  return {
    cause: 'keepalive-timeout',
    confidence: Math.min(0.95, 0.6 + 0.08 * probes.length),
    severity: 'problem',
    evidence: [
      {
        signal: 'keep-alive',
        detail: `${probes.length} keep-alive probes from the ${sender} got no answer (frames ${probes
          .map((p) => p.frame)
          .slice(0, 8)
          .join(', ')}), then the ${sender} reset`,
        frames: frames(ctx, ...probes.slice(0, 8).map((p) => p.frame), ctx.r.frame),
      },
    ],
    summary: `The ${sender}'s keep-alive probes went unanswered, so it declared the ${role(!ctx.fromClient)} ${ctx.receiverAddress} dead and reset the connection.`,
    nextStep: `Check whether ${ctx.receiverAddress} went down or became unreachable (a firewall dropping the idle connection silently is common); compare the firewall idle timeout with the keep-alive interval.`,
  };
};
