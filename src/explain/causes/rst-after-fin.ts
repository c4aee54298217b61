import { TcpFlag } from '../../decode/packet-view.ts';
import { endedBefore } from '../connection-end.ts';
import { outstandingAt } from '../outstanding.ts';
import type { CauseRule } from './rule.ts';
import { frames, role, seconds } from './rule.ts';

/** A peer FIN this long after the resetter's own is "late": the peer held its side open (µs). */
const LATE_FIN = 1_000_000;

/**
 * A reset during or after a graceful close: one side finishes the close abortively (common for
 * clients, Windows servers and load balancers), or a late ACK/FIN meets a socket that is already
 * gone, or the peer said its last words and closed and the resetter's application closed without
 * reading them (the stack then must reset, RFC 2525 §2.17) — nothing anyone waits for is lost.
 * Usually harmless. The words say what was still outstanding, never "nothing" when something was.
 */
export const rstAfterFinRule: CauseRule = (ctx, origin, facts) => {
  if (facts.senderFin === null && facts.receiverFin === null) return null;
  // A device's reset long after the close is the device's own business (middlebox-idle-timeout).
  if (origin.origin === 'middlebox' && endedBefore(ctx) !== null) return null;
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
  const sender = role(ctx.fromClient);
  const peer = role(!ctx.fromClient);
  const own = outstandingAt(ctx, ctx.fromClient);
  const theirs = outstandingAt(ctx, !ctx.fromClient);
  const peerSummary = ctx.fromClient ? ctx.serverSummary : ctx.clientSummary;
  // The peer closed after its last data, which the resetter never answered.
  const peerDone =
    facts.receiverFin !== null &&
    facts.lastReceiverData !== null &&
    facts.receiverFin.frame >= facts.lastReceiverData.frame &&
    facts.receiverDataUnanswered;
  const pending = [
    own.data > 0 ? `${own.data} bytes the ${sender} had sent were not yet acknowledged` : '',
    theirs.data > 0 ? `the ${sender} had not acknowledged the ${peer}'s last ${theirs.data} bytes` : '',
  ].filter((s) => s !== '');
  const answered =
    peerSummary !== null
      ? peerSummary.direction === 'response'
      : ctx.fromClient && facts.lastSenderData !== null;
  // A device's reset once both sides had closed destroys nothing: say who sent it, no alarm.
  const byDevice = origin.origin === 'middlebox' && both;
  // The resetter closed first and the reset answers the peer's FIN: the resetter had stopped
  // waiting for it. A bare RST with seq = the FIN's ack is its stack's "no such connection" reply
  // (RFC 9293 §3.10.7.1): an orphaned FIN_WAIT2 had expired (Linux tcp_fin_timeout, 60 s by
  // default) while the peer held its side open (CLOSE_WAIT).
  const answersPeerFin =
    both &&
    facts.senderFin!.frame < facts.receiverFin!.frame &&
    ctx.trigger !== null &&
    ctx.trigger.frame === facts.receiverFin!.frame;
  const stateless = answersPeerFin && (ctx.r.flags & TcpFlag.ACK) === 0 && ctx.r.seq === ctx.trigger!.ack;
  const finGap = answersPeerFin ? facts.receiverFin!.tsMicros - facts.senderFin!.tsMicros : 0;
  let summary: string;
  if (byDevice)
    summary = `A device between the hosts, not the ${sender} whose address it carries, reset the connection as it closed (both sides had sent FIN${pending.length > 0 ? `; ${pending.join('; ')}` : ''}): a load balancer, proxy or firewall finishing off its side. Harmless.`;
  else if (answersPeerFin)
    summary = `The ${sender} closed first (FIN, frame ${facts.senderFin!.frame}); the ${peer}'s FIN came ${seconds(finGap)} later (frame ${facts.receiverFin!.frame}) and the ${sender} answered it with a reset${stateless ? " without ACK, seq = the FIN's ack: its stack no longer had the connection (it had stopped waiting for that FIN)" : ''}. Harmless: both sides were done${finGap > LATE_FIN ? `; the ${peer} had held its side open (CLOSE_WAIT) for ${seconds(finGap)}` : ''}.`;
  else if (peerDone && answered)
    summary = `The ${peer} answered${peerSummary !== null ? ` (${peerSummary.text})` : ''} and closed (FIN, frame ${facts.receiverFin!.frame}); the ${sender} then ended the connection with a reset instead of a FIN. Harmless: the exchange was complete.`;
  else if (peerDone)
    summary = `The ${peer} said its last words${peerSummary !== null ? ` (${peerSummary.text})` : ''} and closed (FIN, frame ${facts.receiverFin!.frame}); the ${sender} closed without answering them, with a reset instead of a FIN. Harmless: the ${peer} was done with the connection.`;
  else if (pending.length === 0)
    summary = both
      ? 'Both sides had closed with FIN and nothing was outstanding; the reset only finished the connection off.'
      : `The ${fin === facts.senderFin ? sender : peer} had closed with FIN and nothing was outstanding; the reset only finished the connection off.`;
  else
    summary = `The reset came during a FIN close (${pending.join('; ')}): the connection was already ending.`;
  return {
    cause: 'rst-after-fin',
    confidence: both ? 0.75 : 0.6,
    severity: 'benign',
    evidence: [
      {
        signal: 'graceful-close',
        detail: `${both ? 'both sides had sent FIN' : `the ${fin === facts.senderFin ? 'resetter' : 'peer'} had sent FIN (frame ${fin.frame})`} before the reset, with no data from the other side after it${pending.length > 0 ? `; ${pending.join('; ')}` : ''}`,
        frames: frames(ctx, facts.senderFin?.frame, facts.receiverFin?.frame, ctx.r.frame),
      },
    ],
    summary,
    nextStep: byDevice
      ? `Nothing to do for this connection; the reset shows a device between ${ctx.clientLabel} and ${ctx.serverLabel} that ends connections itself (the origin evidence says how it differs from the ${sender}).`
      : answersPeerFin && finGap > LATE_FIN
        ? `Nothing to do for this connection; if it is common, look at why the ${peer} application on ${peer === 'server' ? ctx.serverLabel : ctx.clientLabel} closes its sockets only ${seconds(finGap)} after the ${sender} is done (sockets piling up in CLOSE_WAIT).`
        : 'Nothing to do unless the application reports errors at close time.',
    ...(byDevice ? { deviceAware: true } : {}),
  };
};
