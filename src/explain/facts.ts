import { TcpFlag } from '../decode/packet-view.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import { seqGt } from '../tcp/seq.ts';
import { withoutCopies } from './capture-copies.ts';
import { keepAliveFrames } from './keep-alive.ts';
import type { ResetContext } from './reset-context.ts';
import type { StalledSegment } from './stalled-segment.ts';
import { stalledSegment } from './stalled-segment.ts';

/**
 * Facts about the packets before a reset that several cause rules ask about, computed once per
 * reset group from the bounded history.
 */
export interface ResetFacts {
  senderFin: LoggedPacket | null;
  receiverFin: LoggedPacket | null;
  lastSenderData: LoggedPacket | null;
  lastReceiverData: LoggedPacket | null;
  /** The receiver's data after which the sender never sent data: an unanswered message to the resetter. */
  receiverDataUnanswered: boolean;
  /** The sender's data after which the receiver never sent data: the resetter's unanswered message. */
  senderDataUnanswered: boolean;
  /** The last non-reset packet before the reset and the silence since (µs). */
  lastPacket: LoggedPacket | null;
  silence: number;
  /** Keep-alive probes from the sender (≤ 1 byte at next-expected − 1) and whether any was answered after. */
  senderKeepAlives: LoggedPacket[];
  /** The receiver's last advertised window was zero. */
  receiverWindowZero: boolean;
  /** Zero-window probes from the sender (1 byte at next-expected while the receiver's window is 0). */
  senderWindowProbes: LoggedPacket[];
  /** Idle gap (µs) before the packet that triggered the reset. */
  idleBeforeTrigger: number;
  /** The sender's / the receiver's segment still outstanding at the reset, resent by a timer at
   *  least once (stalled-segment.ts); null when none. */
  senderStalled: StalledSegment | null;
  receiverStalled: StalledSegment | null;
}

export function factsOf(ctx: ResetContext): ResetFacts {
  // Each packet once: a capture that holds every packet twice or four times (tcpdump -i any on a
  // router) shows no more traffic than one that holds it once.
  const nonReset = withoutCopies(ctx.before.filter((p) => (p.flags & TcpFlag.RST) === 0));
  let senderFin: LoggedPacket | null = null;
  let receiverFin: LoggedPacket | null = null;
  let lastSenderData: LoggedPacket | null = null;
  let lastReceiverData: LoggedPacket | null = null;
  const keepAlives: LoggedPacket[] = [];
  const probes: LoggedPacket[] = [];
  let senderEnd = -1; // highest seq + len seen from the sender (−1: none yet)
  let receiverWindowZero = false;
  // Keep-alive probes carry no message: "the last data" of a side is what it last said.
  const probeFrames = keepAliveFrames(nonReset);
  for (const p of nonReset) {
    const fromSender = p.fromClient === ctx.fromClient;
    const fin = (p.flags & TcpFlag.FIN) !== 0;
    const syn = (p.flags & TcpFlag.SYN) !== 0;
    if (fromSender) {
      if (fin && senderFin === null) senderFin = p;
      if (p.len > 0 && !probeFrames.has(p.frame)) lastSenderData = p;
      const end = (p.seq + p.len + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
      // While the receiver's window is zero, probes (Linux sends them at next − 1, exactly like
      // keep-alives; others send one new byte) are window probes, not keep-alives.
      const atPrevious = senderEnd >= 0 && p.len <= 1 && !syn && !fin && (p.seq + 1) >>> 0 === senderEnd;
      const atNext = senderEnd >= 0 && p.len === 1 && p.seq === senderEnd;
      if ((atPrevious || atNext) && receiverWindowZero) probes.push(p);
      else if (atPrevious) keepAlives.push(p);
      else if (senderEnd < 0 || seqGt(end, senderEnd)) senderEnd = end;
    } else {
      if (fin && receiverFin === null) receiverFin = p;
      if (p.len > 0 && !probeFrames.has(p.frame)) lastReceiverData = p;
      if (!syn) receiverWindowZero = p.window === 0;
    }
  }
  const lastPacket = nonReset.length > 0 ? nonReset[nonReset.length - 1] : null;
  let idleBeforeTrigger = 0;
  if (ctx.trigger !== null) {
    const idx = ctx.before.indexOf(ctx.trigger);
    if (idx > 0) idleBeforeTrigger = ctx.trigger.tsMicros - ctx.before[idx - 1].tsMicros;
  }
  // Keep-alives only count when no answer followed them (an answered probe is just a probe).
  const lastKa = keepAlives.length > 0 ? keepAlives[keepAlives.length - 1] : null;
  const answered =
    lastKa !== null && nonReset.some((p) => p.fromClient !== ctx.fromClient && p.tsMicros > lastKa.tsMicros);
  const segments = ctx.c.retransmissions?.segments ?? [];
  // How far the resetter had acknowledged the peer's data: its own ACKs, the reset's included.
  let senderAcked = -1;
  for (const p of [...ctx.before, ctx.r]) {
    if (p.fromClient !== ctx.fromClient || (p.flags & TcpFlag.ACK) === 0) continue;
    if (senderAcked < 0 || seqGt(p.ack, senderAcked)) senderAcked = p.ack;
  }
  return {
    senderFin,
    receiverFin,
    lastSenderData,
    lastReceiverData,
    receiverDataUnanswered:
      lastReceiverData !== null && (lastSenderData === null || lastSenderData.frame < lastReceiverData.frame),
    senderDataUnanswered:
      lastSenderData !== null && (lastReceiverData === null || lastReceiverData.frame < lastSenderData.frame),
    lastPacket,
    // A packet the capture reordered after the reset (capture-order.ts) leaves no silence at all.
    silence: lastPacket === null ? 0 : Math.max(0, ctx.r.tsMicros - lastPacket.tsMicros),
    senderKeepAlives: answered ? [] : keepAlives,
    receiverWindowZero,
    senderWindowProbes: probes,
    idleBeforeTrigger,
    senderStalled: stalledSegment(
      segments,
      ctx.before,
      ctx.fromClient,
      ctx.r.tsMicros,
      ctx.r.receiverAckedSeq,
      ctx.rtt,
      2,
    ),
    receiverStalled: stalledSegment(
      segments,
      ctx.before,
      !ctx.fromClient,
      ctx.r.tsMicros,
      senderAcked,
      ctx.rtt,
      2,
    ),
  };
}
