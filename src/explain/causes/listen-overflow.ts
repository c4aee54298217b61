import { TcpFlag } from '../../decode/packet-view.ts';
import type { CauseRule } from './rule.ts';
import { byEndpoint, frames } from './rule.ts';

/**
 * The server resets a handshake it just completed, before any data: its accept queue was full
 * (Linux with net.ipv4.tcp_abort_on_overflow=1 answers the final ACK with a reset). A burst of
 * connection attempts to the same port at that moment makes it likely.
 *
 * The connection never got a socket, so the reset comes from the no-socket path: it answers an
 * ACK-bearing segment with RST, seq = that segment's ack and no ACK flag (RFC 9293 §3.10.7.1,
 * tcp_v4_send_reset), and the server's TCP sent nothing but its SYN-ACK before it — it never
 * acknowledged the client's request. An application that accepted and then aborted (linger 0, or
 * close with unread data) resets from an established socket instead: RST+ACK, after its TCP
 * acknowledged the request.
 */
export const listenOverflowRule: CauseRule = (ctx, origin, facts) => {
  const r = ctx.r;
  if (ctx.fromClient || !byEndpoint(ctx, origin)) return null;
  if (r.stateBefore !== 'established' && r.stateBefore !== 'syn-received') return null;
  if (facts.lastSenderData !== null) return null;
  if ((r.flags & TcpFlag.ACK) !== 0) return null;
  if (ctx.before.some((p) => !p.fromClient && (p.flags & (TcpFlag.SYN | TcpFlag.RST)) === 0)) return null;
  const clientAck = [...ctx.before].reverse().find((p) => p.fromClient && (p.flags & TcpFlag.SYN) === 0);
  const synAck = ctx.before.find((p) => !p.fromClient && (p.flags & TcpFlag.SYN) !== 0);
  if (clientAck === undefined || synAck === undefined) return null;
  if (r.tsMicros - clientAck.tsMicros > 1_000_000) return null;
  // Every client's attempts count: an accept queue fills from all of them.
  const concurrent = ctx.sketches.toService(
    ctx.c.capture,
    ctx.senderAddress,
    ctx.c.server.port,
    ctx.c.startTs,
    1_000_000,
  ).length;
  return {
    cause: 'listen-overflow',
    confidence: concurrent >= 4 ? 0.75 : 0.45,
    severity: 'problem',
    evidence: [
      {
        signal: 'handshake',
        detail: `the server completed the handshake (SYN-ACK frame ${synAck.frame}) and reset it right after the client's ACK (frame ${clientAck.frame}), before any data`,
        frames: frames(ctx, synAck.frame, clientAck.frame, r.frame),
      },
      {
        signal: 'burst',
        detail: `${concurrent} connection attempts to port ${ctx.c.server.port} on this server within one second`,
        frames: [],
      },
    ],
    summary: `The server ${ctx.serverLabel} accepted the handshake and then reset it before any data: its listen (accept) queue was probably full.`,
    nextStep: `Check the listener's accept backlog on ${ctx.serverLabel} (ss -ltn shows Recv-Q against Send-Q; nstat TcpExtListenOverflows) and whether the application accepts fast enough.`,
  };
};
