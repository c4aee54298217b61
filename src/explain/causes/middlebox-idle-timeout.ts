import type { CauseRule } from './rule.ts';
import { frames, seconds } from './rule.ts';

/**
 * A stateful firewall, NAT or load balancer dropped an idle connection from its table and
 * rejects the next packet with a reset of its own making (the reset carries the far host's
 * address but the device's TTL/IP-ID). Idle timeouts of 350 s (AWS NLB/NAT gateway), 4 min
 * (Azure) or 1 h (many firewalls) are typical.
 */
export const middleboxIdleTimeoutRule: CauseRule = (ctx, origin, facts) => {
  if (origin.origin !== 'middlebox') return null;
  const r = ctx.r;
  if (r.stateBefore === 'syn-sent' || r.stateBefore === 'syn-received') return null;
  const t = ctx.trigger;
  if (t === null) return null;
  const idle = facts.idleBeforeTrigger;
  if (idle < 5_000_000) return null;
  const quick = r.tsMicros - t.tsMicros < 1_000_000;
  return {
    cause: 'middlebox-idle-timeout',
    confidence: Math.min(
      0.95,
      0.4 + 0.35 * origin.confidence + (idle > 60_000_000 ? 0.15 : 0.05) + (quick ? 0.05 : 0),
    ),
    severity: 'problem',
    evidence: [
      {
        signal: 'idle',
        detail: `the connection was idle for ${seconds(idle)}; the first packet after it (frame ${t.frame}) was answered by this reset`,
        frames: frames(ctx, t.frame, r.frame),
      },
      ...origin.votes
        .filter((v) => v.origin === 'middlebox')
        .map((v) => ({ signal: v.signal, detail: v.detail, frames: v.frames })),
    ],
    summary: `A device between the hosts forgot this connection after ${seconds(idle)} of idle time and rejected the next packet with a reset it made itself.`,
    nextStep: `Find the idle timeout of the firewall/NAT/load balancer between ${ctx.clientLabel} and ${ctx.serverLabel}; enable TCP keep-alives (or application pings) more often than it, or raise the timeout.`,
  };
};
