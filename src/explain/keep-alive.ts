import { TcpFlag } from '../decode/packet-view.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import { seqGt } from '../tcp/seq.ts';

/**
 * Keep-alive probes in a connection's history. A probe carries no new data: it is an empty or
 * 1-byte segment at the sender's next sequence number − 1 (RFC 9293 §3.8.4; Windows sends the
 * byte, Linux none), so the peer answers with a plain ACK. It is never a request, and the
 * peer's ACK of it is no answer to anything: rules that look for "the last data" skip them.
 *
 * A capture that starts mid-connection may open on a probe, when the sender's next sequence
 * number is not known yet: a 1-byte segment whose sequence number the same side later sends
 * again as a probe, with nothing new between, was one too; and so is a lone 1-byte segment
 * without PSH there — stacks set PSH on the last segment of every application write (Windows'
 * probe byte, a garbage byte re-sent from the stream, has none).
 */
export function keepAliveFrames(packets: readonly LoggedPacket[]): Set<number> {
  const probes = new Set<number>();
  const end = [-1, -1]; // per side (0 server, 1 client): highest seq + length seen, −1 none yet
  /** Per side, a first-seen 1-byte segment that may turn out to be a probe. */
  const maybe: (LoggedPacket | null)[] = [null, null];
  for (const p of packets) {
    if ((p.flags & TcpFlag.RST) !== 0) continue;
    const side = p.fromClient ? 1 : 0;
    const synFin = (p.flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0;
    const pEnd = (p.seq + p.len + (synFin ? 1 : 0)) >>> 0;
    if (!synFin && p.len <= 1 && end[side] >= 0 && (p.seq + 1) >>> 0 === end[side]) {
      if (p.len === 1) {
        probes.add(p.frame);
        const first = maybe[side];
        if (first !== null && first.seq === p.seq) probes.add(first.frame);
      }
      continue;
    }
    if (p.len === 0 && !synFin) continue;
    const firstByte = end[side] < 0 && p.len === 1 && !synFin;
    if (firstByte && (p.flags & (TcpFlag.PSH | TcpFlag.ACK)) === TcpFlag.ACK) probes.add(p.frame);
    maybe[side] = firstByte ? p : null;
    if (end[side] < 0 || seqGt(pEnd, end[side])) end[side] = pEnd;
  }
  return probes;
}
