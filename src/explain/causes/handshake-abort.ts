import { TcpFlag } from '../../decode/packet-view.ts';
import type { CauseRule } from './rule.ts';
import { byEndpoint, frames, seconds } from './rule.ts';

/**
 * The client resets the server's SYN-ACK instead of completing the handshake: it gave up on the
 * attempt (timeout, the other of two parallel attempts won), or it never had a socket — the
 * signature of a SYN ("half-open") scan, whose kernel answers the unexpected SYN-ACK with a reset.
 */
export const handshakeAbortRule: CauseRule = (ctx, origin) => {
  const r = ctx.r;
  if (!ctx.fromClient || r.stateBefore !== 'syn-received' || !byEndpoint(ctx, origin)) return null;
  const synAck = [...ctx.before].reverse().find((p) => !p.fromClient && (p.flags & TcpFlag.SYN) !== 0);
  if (synAck === undefined) return null;
  const delay = r.tsMicros - synAck.tsMicros;
  const stateless = (r.flags & TcpFlag.ACK) === 0 && r.seq === synAck.ack;
  return {
    cause: 'handshake-abort',
    confidence: 0.8,
    severity: 'expected-failure',
    evidence: [
      {
        signal: 'handshake',
        detail: `the SYN-ACK (frame ${synAck.frame}) was answered by a reset from the client after ${seconds(delay)}${stateless ? ", without ACK and with seq = the SYN-ACK's ack: the client's kernel had no socket for it (typical of a SYN scan)" : ''}`,
        frames: frames(ctx, synAck.frame, r.frame),
      },
    ],
    summary: `The client ${ctx.clientLabel} reset the handshake after the server's SYN-ACK instead of completing it${stateless ? ' (its kernel had no socket for the connection: a SYN scan or an abandoned attempt)' : ''}.`,
    nextStep: stateless
      ? `If ${ctx.clientLabel} is not a known scanner, find out what on that host sends SYNs it does not own (raw sockets, a scanner).`
      : `Check the client's connect timeout and whether it opened parallel attempts; the server accepted the connection.`,
  };
};
