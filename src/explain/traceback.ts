import { secondsOf } from '../capture/record.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import { seqGeq } from '../tcp/seq.ts';
import type { ResetFacts } from './facts.ts';
import type { PacketBrief, Traceback } from './finding.ts';
import { outstandingAt } from './outstanding.ts';
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
    const resp = ctx.answer;
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

  // The segment still outstanding at the reset (the resetter's first, as the cause rules read
  // it), with the sends a retransmission timer made: the same segment the evidence names.
  let retransmission: Traceback['retransmission'] = null;
  const stalled = facts.senderStalled ?? facts.receiverStalled;
  if (stalled !== null) {
    retransmission = {
      from: stalled.fromClient ? 'client' : 'server',
      seq: stalled.seq,
      sends: stalled.times.length,
      intervals: stalled.gaps.map((d) => Math.round(d / 1000) / 1000),
      acked: stalled.ackedBy !== null,
    };
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
    outstanding: { client: outstandingAt(ctx, true).bytes, server: outstandingAt(ctx, false).bytes },
    retransmission,
    connectionState: ctx.r.stateBefore,
  };
}
