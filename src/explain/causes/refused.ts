import { TcpFlag } from '../../decode/packet-view.ts';
import type { ResetContext } from '../reset-context.ts';
import type { Candidate, CauseRule } from './rule.ts';
import { frames, seconds } from './rule.ts';

/**
 * A SYN answered by RST/ACK acknowledging ISN+1: the destination's stack has no listener on that
 * port (or the listener refuses). The same shape sent by a firewall on the server's behalf is
 * `firewall-reject`; which one it is depends on the origin verdict.
 */
export function synRejection(ctx: ResetContext): { synFrame: number; delay: number } | null {
  const r = ctx.r;
  if (ctx.fromClient || ctx.c.client.isn < 0) return null;
  if (r.stateBefore !== 'syn-sent') return null;
  const syn = [...ctx.before].reverse().find((p) => p.fromClient && (p.flags & TcpFlag.SYN) !== 0);
  if (syn === undefined) return null;
  const acksSyn = (r.flags & TcpFlag.ACK) !== 0 && r.ack === (ctx.c.client.isn + 1) >>> 0;
  if (!acksSyn && (r.flags & TcpFlag.ACK) !== 0) return null;
  return { synFrame: syn.frame, delay: r.tsMicros - syn.tsMicros };
}

export const refusedRule: CauseRule = (ctx, origin) => {
  const rej = synRejection(ctx);
  if (rej === null) return null;
  const byServer = origin.origin === 'server' || origin.origin === 'unknown';
  if (!byServer) return null;
  const acks = (ctx.r.flags & TcpFlag.ACK) !== 0;
  const c: Candidate = {
    cause: 'refused',
    confidence: acks ? 0.6 + 0.35 * (origin.origin === 'server' ? origin.confidence : 0.4) : 0.5,
    severity: 'expected-failure',
    evidence: [
      {
        signal: 'handshake',
        detail: `the SYN (frame ${rej.synFrame}) was answered by ${acks ? 'RST/ACK acknowledging its ISN+1' : 'a bare RST'} after ${seconds(rej.delay)}`,
        frames: frames(ctx, rej.synFrame, ctx.r.frame),
      },
    ],
    summary: `The connection to ${ctx.serverLabel} was refused: the SYN was answered with a reset, so nothing accepted connections on port ${ctx.c.server.port}.`,
    nextStep: `Check that the service on ${ctx.serverLabel} is running and listening on port ${ctx.c.server.port} (ss -ltn), and that the client uses the right port.`,
  };
  return c;
};
