import { secondsOf } from '../capture/record.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import { seqDiff, seqGeq } from '../tcp/seq.ts';
import type { ResetFacts } from './facts.ts';
import type { PacketBrief, Traceback } from './finding.ts';
import { packetBrief } from './packet-brief.ts';
import type { ResetContext } from './reset-context.ts';

/**
 * The trace-back: what the reset answers and what was going on just before it — the packet it
 * replies to, the last data each way, whether the last request was acknowledged by TCP and
 * answered by the application, idle time, bytes in flight, and the retransmission pattern.
 */
export function tracebackOf(ctx: ResetContext, facts: ResetFacts): Traceback {
  const brief = (p: LoggedPacket | null): PacketBrief | null =>
    p === null ? null : packetBrief(ctx.c.capture, p);
  const c = ctx.c;
  const lastClientData = ctx.fromClient ? facts.lastSenderData : facts.lastReceiverData;
  const lastServerData = !ctx.fromClient ? facts.lastSenderData : facts.lastReceiverData;

  let lastRequest: Traceback['lastRequest'] = null;
  let response: Traceback['response'] = null;
  const req = ctx.lastClientMessage;
  if (req !== null) {
    const end = req.endSeq;
    const acked = ctx.before.some(
      (p) =>
        !p.fromClient && (p.flags & TcpFlag.ACK) !== 0 && p.tsMicros >= req.tsMicros && seqGeq(p.ack, end),
    );
    const resp =
      ctx.lastServerMessage !== null && ctx.lastServerMessage.frame > req.frame
        ? ctx.lastServerMessage
        : null;
    lastRequest = {
      capture: c.capture,
      frame: req.frame,
      ts: secondsOf(req.tsMicros),
      from: 'client',
      flags: 'data',
      seq: req.seq,
      ack: 0,
      len: req.segmentLength,
      bytes: req.totalLength,
      acked,
      answered: resp !== null,
      ...(ctx.clientSummary !== null ? { app: ctx.clientSummary.text } : {}),
    };
    if (resp !== null) {
      response = {
        capture: c.capture,
        frame: resp.frame,
        ts: secondsOf(resp.tsMicros),
        from: 'server',
        flags: 'data',
        seq: resp.seq,
        ack: 0,
        len: resp.segmentLength,
        bytes: resp.totalLength,
        ...(ctx.serverSummary !== null ? { app: ctx.serverSummary.text } : {}),
      };
    }
  }

  const outstanding = (fromClient: boolean): number => {
    const ep = c.endpoint(fromClient);
    const peer = c.endpoint(!fromClient);
    // At the reset: the sender's next seq against what the peer had acknowledged (from the history).
    let next = -1;
    let acked = -1;
    for (const p of ctx.before) {
      const end = (p.seq + p.len + ((p.flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0 ? 1 : 0)) >>> 0;
      if (p.fromClient === fromClient && (p.flags & TcpFlag.RST) === 0) {
        if (next < 0 || seqDiff(end, next) > 0) next = end;
      } else if (
        p.fromClient !== fromClient &&
        (p.flags & TcpFlag.ACK) !== 0 &&
        (p.flags & TcpFlag.RST) === 0
      ) {
        if (acked < 0 || seqDiff(p.ack, acked) > 0) acked = p.ack;
      }
    }
    if (next < 0 || acked < 0 || ep.isn < 0 || peer.isn < 0)
      return next >= 0 && acked >= 0 ? Math.max(0, seqDiff(next, acked)) : 0;
    return Math.max(0, seqDiff(next, acked));
  };

  let retransmission: Traceback['retransmission'] = null;
  const log = c.retransmissions;
  if (log !== null) {
    const relevant = log.segments
      .filter((s) => s.times[0] <= ctx.r.tsMicros)
      .sort((a, b) => b.sends - a.sends || b.times[b.times.length - 1] - a.times[a.times.length - 1])[0];
    if (relevant !== undefined && relevant.sends > 1) {
      retransmission = {
        from: relevant.fromClient ? 'client' : 'server',
        seq: relevant.seq,
        sends: relevant.sends,
        intervals: relevant.times.slice(1).map((t, i) => Math.round((t - relevant.times[i]) / 1000) / 1000),
        acked: relevant.acked,
      };
    }
  }

  return {
    trigger: brief(ctx.trigger),
    triggerMatch: ctx.triggerMatch,
    lastClientData: brief(lastClientData),
    lastServerData: brief(lastServerData),
    lastRequest,
    response,
    idleBefore: ctx.r.idleBefore / 1e6,
    silenceBefore: facts.silence / 1e6,
    outstanding: { client: outstanding(true), server: outstanding(false) },
    retransmission,
    connectionState: ctx.r.stateBefore,
  };
}
