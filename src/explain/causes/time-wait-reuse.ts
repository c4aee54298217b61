import { TcpFlag } from '../../decode/packet-view.ts';
import type { CauseRule } from './rule.ts';
import { frames, seconds } from './rule.ts';

/**
 * A new SYN on a 4-tuple that was closed moments ago: the server still holds it in TIME_WAIT
 * (60 s on Linux, 240 s by default on Windows). If the new ISN is not above the old connection's
 * sequence space, the server answers with an ACK for the old connection instead of a SYN-ACK, and
 * the client's stack resets that unexpected ACK (RFC 9293 §3.10.7.3; RFC 5961 challenge ACK).
 */
export const timeWaitReuseRule: CauseRule = (ctx) => {
  const r = ctx.r;
  if (r.stateBefore !== 'syn-sent') return null;
  const c = ctx.c;
  const syn = ctx.before.find((p) => p.fromClient && (p.flags & TcpFlag.SYN) !== 0);
  const strayAck = ctx.before.find(
    (p) => !p.fromClient && (p.flags & TcpFlag.ACK) !== 0 && (p.flags & (TcpFlag.SYN | TcpFlag.RST)) === 0,
  );
  if (syn === undefined || strayAck === undefined) return null;
  const previous = ctx.sketches
    .onTuple(
      c.capture,
      ctx.fromClient ? ctx.senderAddress : ctx.receiverAddress,
      c.client.port,
      ctx.fromClient ? ctx.receiverAddress : ctx.senderAddress,
      c.server.port,
    )
    .filter((s) => s.id !== c.id && s.end <= c.startTs);
  const prev = previous.length > 0 ? previous[previous.length - 1] : null;
  const gap = prev === null ? -1 : c.startTs - prev.end;
  const recent = prev !== null && gap < 240_000_000;
  return {
    cause: 'time-wait-reuse',
    confidence: recent ? 0.85 : 0.55,
    severity: 'problem',
    evidence: [
      {
        signal: 'handshake',
        detail: `the SYN (frame ${syn.frame}) was answered by a plain ACK (frame ${strayAck.frame}, ack ${strayAck.ack}) belonging to an older connection, then reset`,
        frames: frames(ctx, syn.frame, strayAck.frame, r.frame),
      },
      ...(prev !== null
        ? [
            {
              signal: 'tuple-reuse',
              detail: `the same 4-tuple carried a connection that ended ${seconds(gap)} earlier (${prev.endReason})`,
              frames: [],
            },
          ]
        : []),
    ],
    summary: `The client reused the source port ${c.client.port} while the server still held the previous connection on that 4-tuple in TIME_WAIT, so the new handshake was refused.`,
    nextStep: `Let the client use fresh ephemeral ports (no fixed source port / SO_REUSEADDR binding) or enable TCP timestamps so the server can accept the reuse (net.ipv4.tcp_tw_reuse on the client).`,
  };
};
