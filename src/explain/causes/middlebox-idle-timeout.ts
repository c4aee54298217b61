import { TcpFlag } from '../../decode/packet-view.ts';
import type { LoggedPacket } from '../../tcp/packet-log.ts';
import { endedBefore } from '../connection-end.ts';
import type { OriginVerdict } from '../finding.ts';
import type { ResetContext } from '../reset-context.ts';
import type { Candidate, CauseRule } from './rule.ts';
import { frames, role, seconds } from './rule.ts';

/**
 * A stateful firewall, NAT or load balancer dropped an idle connection from its table and
 * rejects the next packet with a reset of its own making (the reset carries the far host's
 * address but the device's TTL/IP-ID). Idle timeouts of 350 s (AWS NLB/NAT gateway), 4 min
 * (Azure) or 1 h (many firewalls) are typical.
 */
export const middleboxIdleTimeoutRule: CauseRule = (ctx, origin, facts) => {
  if (origin.origin !== 'middlebox') return null;
  const r = ctx.r;
  const ended = endedBefore(ctx);
  if (ended !== null) return afterTheEnd(ctx, origin, ended);
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

/**
 * Some firewalls and NATs send a reset toward the hosts when they drop a connection's state on
 * timeout (FortiGate's timeout-send-rst, for one). Long after the hosts had ended the connection
 * themselves, that reset destroys nothing: the device only shows itself. Benign; its timeout still
 * matters for connections that are alive and idle.
 */
function afterTheEnd(ctx: ResetContext, origin: OriginVerdict, ended: LoggedPacket): Candidate {
  const how =
    (ended.flags & TcpFlag.RST) !== 0
      ? `the ${role(ended.fromClient)}'s reset at frame ${ended.frame}`
      : `the FIN exchange ending at frame ${ended.frame}`;
  const after = seconds(ctx.r.tsMicros - ended.tsMicros);
  return {
    cause: 'middlebox-idle-timeout',
    confidence: Math.min(0.9, 0.35 + 0.5 * origin.confidence),
    severity: 'benign',
    evidence: [
      {
        signal: 'after-end',
        detail: `the connection had already ended (${how}) ${after} before this reset, with nothing since: a device dropping its state for the connection, not a forgery into a live one`,
        frames: frames(ctx, ended.frame, ctx.r.frame),
      },
      ...origin.votes
        .filter((v) => v.origin === 'middlebox')
        .map((v) => ({ signal: v.signal, detail: v.detail, frames: v.frames })),
    ],
    summary: `A device between ${ctx.clientLabel} and ${ctx.serverLabel} sent this reset ${after} after the connection had already ended (${how}): a firewall or NAT clearing its state for the connection. Nothing was lost.`,
    nextStep: `Nothing to do for this connection; it shows a stateful device between the hosts that resets connections when it drops them — live connections idle longer than its timeout will be reset too.`,
  };
}
