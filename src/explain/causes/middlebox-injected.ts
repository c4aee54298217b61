import { endedBefore } from '../connection-end.ts';
import { ignoredOutOfWindow } from '../reset-window.ts';
import type { CauseRule } from './rule.ts';
import { frames } from './rule.ts';

/**
 * A device on the path forged the reset in the middle of a live connection (censorship, IPS,
 * "TCP reset" firewall policies, attacks). The origin verdict carries the reasons.
 */
export const middleboxInjectedRule: CauseRule = (ctx, origin, facts) => {
  if (origin.origin !== 'middlebox') return null;
  // A forged answer to a SYN that nothing contradicts is a rejection (firewall-reject); an
  // injection is a reset into a connection that lives on or had been established.
  const handshake = ctx.r.stateBefore === 'syn-sent';
  if (handshake && ctx.after.length === 0) return null;
  const reasons = origin.votes.filter((v) => v.origin === 'middlebox');
  const idle = facts.idleBeforeTrigger > 5_000_000;
  // Long after the hosts had ended the connection a device's reset attacks nothing: it is a
  // device clearing its state (middlebox-idle-timeout says so) unless the forgery is plain.
  const strong = reasons.some(
    (v) => v.signal === 'after-reset' || v.signal === 'vantage' || v.signal === 'crafted',
  );
  if (endedBefore(ctx) !== null && !strong) return null;
  // Both sides had already sent FIN: a reset then cuts nothing live (rst-after-fin names the
  // device), so an injection is the weaker reading unless the forgery is plain.
  const closing = facts.senderFin !== null && facts.receiverFin !== null && !strong;
  // A forgery that missed the receiver's window did nothing (the receiver dropped it, RFC 5961
  // §3.2) and the connection lived on: a failed blind attempt, which out-of-window names. Data
  // from the "sender" after it is then no sign of a successful injection, only of the miss.
  const missed = ignoredOutOfWindow(ctx);
  return {
    cause: 'middlebox-injected',
    confidence: Math.min(
      0.95,
      0.35 + 0.6 * origin.confidence - (idle ? 0.15 : 0) - (closing ? 0.2 : 0) - (missed ? 0.3 : 0),
    ),
    severity: 'security',
    evidence: reasons.map((v) => ({
      signal: v.signal,
      detail: v.detail,
      frames: v.frames.length > 0 ? v.frames : frames(ctx, ctx.r.frame),
    })),
    summary: `A device on the path between ${ctx.clientLabel} and ${ctx.serverLabel} forged this reset; the host whose address it carries did not send it.`,
    nextStep: `Look for an IPS, firewall or filtering device between the hosts that resets connections (its logs at ${new Date(Math.floor(ctx.r.tsMicros / 1000)).toISOString()})${origin.votes.some((v) => v.signal === 'vantage') ? '; the captures from several points already show where the reset was born.' : `; a capture at the ${ctx.fromClient ? 'client' : 'server'} would prove the reset never left it.`}`,
  };
};
