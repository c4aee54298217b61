import type { PacketView } from '../decode/packet-view.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { Connection } from './connection.ts';
import type { Endpoint } from './endpoint.ts';
import { Mark } from './marks.ts';
import { MessageLog } from './message-log.ts';
import { RetransmissionLog } from './retransmission-log.ts';
import { seqDiff, seqGeq, seqGt, seqLeq } from './seq.ts';

/**
 * Per-segment TCP analysis for a non-RST packet, with Wireshark's meanings (packet-tcp.c) so the
 * numbers agree with what engineers see there:
 * - keep-alive: ≤ 1 byte at next-expected − 1, no SYN/FIN/RST;
 * - zero-window probe: 1 byte at next-expected while the peer advertises a zero window;
 * - retransmission: a segment carrying data, SYN or FIN that starts below next-expected;
 *   classified further as spurious (the peer had already acknowledged all of it) or fast (it
 *   fills the hole that the peer's duplicate ACKs point at);
 * - out-of-order: starts below next-expected but arrives within the RTT of the last new segment
 *   and was never sent before (it overtook, rather than repeated);
 * - previous segment not captured: starts above next-expected;
 * - duplicate ACK: no data, same ACK and window as the previous one while data is outstanding.
 */
export function analyseSegment(
  c: Connection,
  view: PacketView,
  data: Uint8Array,
  frame: number,
  ts: number,
  fromClient: boolean,
): void {
  const ep = c.endpoint(fromClient);
  const peer = c.endpoint(!fromClient);
  const f = view.flags;
  const syn = (f & TcpFlag.SYN) !== 0;
  const fin = (f & TcpFlag.FIN) !== 0;
  const ack = (f & TcpFlag.ACK) !== 0;
  const len = view.payloadLength;
  const segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
  c.marks = 0;
  const answersKeepAlive = peer.lastWasKeepAlive;
  ep.lastWasKeepAlive = false;

  if (syn) handshake(c, view, ep, ts, frame, fromClient, ack);

  // ---- sequence space ----
  let newData = 0;
  if (!ep.seqKnown) {
    ep.seqKnown = true;
    ep.nextSeq = (view.seq + segLen) >>> 0;
    newData = len;
  } else {
    const d = seqDiff(view.seq, ep.nextSeq);
    const end = (view.seq + segLen) >>> 0;
    if (segLen <= 1 && !syn && !fin && d === -1) {
      ep.keepAlives++;
      ep.lastWasKeepAlive = true;
      c.marks |= Mark.KEEP_ALIVE;
    } else if (len === 1 && !syn && !fin && d === 0 && peer.window === 0) {
      // Zero-window probe: the byte is sent again once the window opens, so don't advance.
      ep.zeroWindowProbes++;
      c.marks |= Mark.ZERO_WINDOW_PROBE;
    } else if (segLen > 0 && peer.ackKnown && seqGeq(peer.highestAck, end) && !syn) {
      // Already acknowledged by the peer: a spurious retransmission (Wireshark checks this first).
      retransmission(c, view, ep, peer, ts, frame, fromClient, segLen, 'spurious');
    } else if (d > 0) {
      ep.gaps++;
      c.marks |= Mark.LOST_SEGMENT;
      ep.gapBytes += d;
      ep.nextSeq = end;
      ep.nextSeqTs = ts;
      newData = len;
    } else if (segLen === 0) {
      // A pure ACK at or below next-expected: nothing to do for the sequence space.
    } else if (d === 0 || (segLen > 1 && d === -1)) {
      // d === −1 with more than one byte: new data after a zero-window probe byte (not a retransmission).
      ep.nextSeq = end;
      ep.nextSeqTs = ts;
      newData = d === 0 ? len : len - 1;
    } else {
      retransmission(c, view, ep, peer, ts, frame, fromClient, segLen, 'classify');
      if (seqGt(end, ep.nextSeq)) {
        newData = seqDiff(end, ep.nextSeq) - (fin ? 1 : 0);
        ep.nextSeq = end;
        ep.nextSeqTs = ts;
      }
    }
  }

  // ---- state transitions ----
  if (!syn && c.state === 'syn-received' && (ack || len > 0) && fromClient) {
    c.state = 'established';
    c.establishedTs = ts;
    if (c.server.isn >= 0 && c.server.firstSynTs > 0) c.synAckToAck = ts - c.server.lastSynTs;
  }
  if (fin) {
    ep.finCount++;
    if (ep.finCount === 1) {
      ep.finFrame = frame;
      ep.finTs = ts;
      ep.finSeq = (view.seq + len) >>> 0;
    }
    if (c.state !== 'reset') c.state = peer.finCount > 0 ? 'closed' : 'half-closed';
  } else if (c.state === 'half-closed' && peer.finCount > 0 && ep.finCount > 0) {
    c.state = 'closed';
  }

  // ---- acknowledgements and windows ----
  if (ack) acknowledgement(c, view, ep, peer, ts, syn || fin, segLen, answersKeepAlive);

  // ---- new data ----
  if (newData > 0) {
    ep.uniqueBytes += newData;
    ep.lastDataTs = ts;
    ep.lastDataFrame = frame;
    if (!ep.rttPending) {
      ep.rttPending = true;
      ep.rttSeqEnd = (view.seq + len) >>> 0;
      ep.rttStartTs = ts;
    }
    if (len > 0) {
      if (c.messages === null) c.messages = new MessageLog();
      c.messages.data(view, data, frame, ts, fromClient);
    }
  }
}

function handshake(
  c: Connection,
  view: PacketView,
  ep: Endpoint,
  ts: number,
  frame: number,
  fromClient: boolean,
  ack: boolean,
): void {
  ep.synCount++;
  ep.lastSynTs = ts;
  if (ep.isn < 0) {
    ep.isn = view.seq;
    ep.firstSynFrame = frame;
    ep.firstSynTs = ts;
    ep.mss = view.mss;
    ep.windowScale = view.windowScale;
    ep.sackPermitted = view.sackPermitted;
    ep.timestampsOnSyn = view.hasTimestamp;
  }
  if (ack && !fromClient && (c.state === 'syn-sent' || c.state === 'syn-received')) {
    if (c.synToSynAck < 0 && c.client.isn >= 0) c.synToSynAck = ts - c.client.lastSynTs;
    c.state = 'syn-received';
  }
}

function retransmission(
  c: Connection,
  view: PacketView,
  ep: Endpoint,
  peer: Endpoint,
  ts: number,
  frame: number,
  fromClient: boolean,
  segLen: number,
  kind: 'spurious' | 'classify',
): void {
  const end = (view.seq + segLen) >>> 0;
  // Wireshark's order after the spurious check: a fast retransmission answers ≥ 2 duplicate ACKs
  // within 20 ms; a segment arriving within the first RTT after the newest one, not ending where
  // that one ended, overtook it (out-of-order); anything else is a plain retransmission.
  const spurious = kind === 'spurious';
  const fast = !spurious && peer.dupAckRun >= 2 && peer.lastAck === view.seq && ts - peer.lastAckTs < 20_000;
  if (!fast && !spurious) {
    const threshold = c.handshakeRtt > 0 ? c.handshakeRtt : 3000;
    if (ts - ep.nextSeqTs < threshold && ep.nextSeq !== end) {
      ep.outOfOrder++;
      c.marks |= Mark.OUT_OF_ORDER;
      return;
    }
  }
  if (spurious) ep.spuriousRetransmissions++;
  // Original send: the most recent logged packet from this side with the same sequence number.
  let originalTs = -1;
  let originalFrame = 0;
  if (c.retransmissions === null || !hasSegment(c.retransmissions, fromClient, view.seq)) {
    const original = c.log.findSent(fromClient, view.seq, frame);
    if (original !== null) {
      originalTs = original.tsMicros;
      originalFrame = original.frame;
    }
  }
  if (c.retransmissions === null) c.retransmissions = new RetransmissionLog();
  const s = c.retransmissions.record(fromClient, view.seq, segLen, ts, frame, originalTs, originalFrame);
  ep.retransmissions++;
  if (s.sends - 1 > ep.maxSegmentRetransmissions) ep.maxSegmentRetransmissions = s.sends - 1;
  if (fast) ep.fastRetransmissions++;
  // Wireshark flags spurious and fast retransmissions as retransmissions too.
  c.marks |=
    Mark.RETRANSMISSION |
    (spurious ? Mark.SPURIOUS_RETRANSMISSION : 0) |
    (fast ? Mark.FAST_RETRANSMISSION : 0);
  // Karn's rule: an RTT measured across a retransmission is ambiguous.
  if (ep.rttPending && seqGeq(ep.rttSeqEnd, view.seq)) ep.rttPending = false;
}

function hasSegment(log: RetransmissionLog, fromClient: boolean, seq: number): boolean {
  for (const s of log.segments) if (s.fromClient === fromClient && s.seq === seq) return true;
  return false;
}

function acknowledgement(
  c: Connection,
  view: PacketView,
  ep: Endpoint,
  peer: Endpoint,
  ts: number,
  synOrFin: boolean,
  segLen: number,
  answersKeepAlive: boolean,
): void {
  const a = view.ack;
  if (!ep.ackKnown) {
    ep.ackKnown = true;
    ep.highestAck = a;
  } else if (seqGt(a, ep.highestAck)) {
    ep.highestAck = a;
  }
  // The peer's data the capture never showed, yet acknowledged (Wireshark: "ACKed unseen segment").
  if (peer.seqKnown && seqGt(a, peer.nextSeq)) {
    ep.ackedUnseen++;
    c.marks |= Mark.ACKED_UNSEEN;
    peer.nextSeq = a;
  }
  if (peer.rttPending && seqGeq(a, peer.rttSeqEnd)) {
    peer.rttPending = false;
    const sample = ts - peer.rttStartTs;
    c.rttSamples++;
    c.rttSum += sample;
    if (c.rttMin < 0 || sample < c.rttMin) c.rttMin = sample;
    if (sample > c.rttMax) c.rttMax = sample;
  }
  if (c.retransmissions !== null) {
    c.retransmissions.acknowledge(!(ep === c.client), (end) => seqLeq(end, a));
  }

  const w = view.window;
  // Wireshark: a duplicate ACK repeats ack and (non-zero) window at next-expected with no data;
  // the same with a changed non-zero window is a window update.
  if (segLen === 0 && !synOrFin && w !== 0 && view.seq === ep.nextSeq && a === ep.lastAck) {
    if (answersKeepAlive) {
      c.marks |= Mark.KEEP_ALIVE_ACK;
    } else if (w === ep.lastWindow) {
      ep.duplicateAcks++;
      ep.dupAckRun++;
      c.marks |= Mark.DUPLICATE_ACK;
    } else if (ep.lastWindow >= 0) {
      ep.windowUpdates++;
      c.marks |= Mark.WINDOW_UPDATE;
    }
  }
  if (a !== ep.lastAck) ep.dupAckRun = 0;
  ep.lastAckTs = ts;
  ep.lastAck = a;
  ep.lastWindow = w;

  // Zero window: Wireshark flags a zero window on any non-SYN/FIN/RST segment.
  if (w === 0 && !synOrFin) {
    c.marks |= Mark.ZERO_WINDOW;
    if (ep.zeroWindowSince < 0) {
      ep.zeroWindows++;
      ep.zeroWindowSince = ts;
    }
  } else if (ep.zeroWindowSince >= 0) {
    const period = ts - ep.zeroWindowSince;
    if (period > ep.longestZeroWindow) ep.longestZeroWindow = period;
    ep.zeroWindowSince = -1;
  }
  ep.window = w;
}
