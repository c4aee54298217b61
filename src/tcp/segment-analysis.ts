import type { CaptureRecord } from '../capture/record.ts';
import type { PacketView } from '../decode/packet-view.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { Connection } from './connection.ts';
import type { Endpoint } from './endpoint.ts';
import { Mark } from './marks.ts';
import { MessageLog } from './message-log.ts';
import { RetransmissionLog } from './retransmission-log.ts';
import { seqDiff, seqGeq, seqGt, seqLeq, seqLt } from './seq.ts';
import { SequenceHoles } from './sequence-holes.ts';

/**
 * Per-segment TCP analysis for a non-RST packet, with Wireshark's meanings and in the order of
 * Wireshark's tcp_analyze_sequence_number (as in the 4.0 series that CI's tshark runs) (epan/dissectors/packet-tcp.c), so the per-frame
 * marks agree with what engineers see there (test/tcp/tshark-analysis.test.ts compares them):
 * - zero-window probe: exactly 1 byte at next-expected while the peer advertises a zero window
 *   (it then skips the checks below, and does not advance next-expected);
 * - previous segment not captured: starts above next-expected;
 * - keep-alive: 0 or 1 byte at next-expected − 1, no SYN/FIN;
 * - window update / keep-alive ACK / duplicate ACK: no payload, at next-expected, same ACK as this
 *   side's previous packet, non-zero window (changed, or unchanged) — see acknowledgement();
 * - for a segment carrying data, SYN or FIN that is not a keep-alive, the first that applies of:
 *   spurious retransmission (the peer's latest ACK already covers all its data), fast
 *   retransmission (the peer sent ≥ 2 duplicate ACKs for this seq, the latest within 20 ms),
 *   out-of-order (within the handshake RTT, 3 ms by default, of the newest segment, and not ending
 *   where it ended), retransmission (starts below next-expected).
 * "Payload length" below is Wireshark's seglen: data bytes only, SYN and FIN not counted.
 */
export function analyseSegment(
  c: Connection,
  view: PacketView,
  record: CaptureRecord,
  fromClient: boolean,
): void {
  // Times are read from the record where needed rather than passed on: a float64 argument to a
  // call that is not inlined is boxed into a new heap number, once per packet and call.
  const ts = record.tsMicros;
  const frame = record.frame;
  const ep = c.endpoint(fromClient);
  const peer = c.endpoint(!fromClient);
  const f = view.flags;
  const syn = (f & TcpFlag.SYN) !== 0;
  const fin = (f & TcpFlag.FIN) !== 0;
  const ack = (f & TcpFlag.ACK) !== 0;
  const len = view.payloadLength;
  const seq = view.seq;
  const end = (seq + len + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
  c.marks = 0;
  const answersKeepAlive = peer.lastWasKeepAlive;
  ep.lastWasKeepAlive = false;

  if (syn) handshake(c, view, ep, record, fromClient, ack);

  // ---- sequence space ----
  const known = ep.seqKnown;
  const next = ep.nextSeq;
  let probe = false;
  let keepAlive = false;
  if (known && len === 1 && seq === next && peer.window === 0) {
    probe = true;
    ep.zeroWindowProbes++;
    c.marks |= Mark.ZERO_WINDOW_PROBE;
  } else if (known) {
    if (seqGt(seq, next)) {
      ep.gaps++;
      ep.gapBytes += seqDiff(seq, next);
      c.marks |= Mark.LOST_SEGMENT;
      // The skipped range may still arrive (out of order, or retransmitted): its bytes are new then.
      if (ep.holes === null) ep.holes = new SequenceHoles();
      ep.holes.open(next, seq);
    }
    if (len <= 1 && !syn && !fin && seq === (next - 1) >>> 0) {
      keepAlive = true;
      ep.keepAlives++;
      ep.lastWasKeepAlive = true;
      c.marks |= Mark.KEEP_ALIVE;
    }
  }
  if (known && !keepAlive && (len > 0 || syn || fin)) {
    // A segment of more than one byte starting at next-expected − 1 follows a 1-byte zero-window
    // probe: it carries new data, so it is not "not advanced" (spurious is still possible).
    const notAdvanced = seqLt(seq, next) && !(len > 1 && seq === (next - 1) >>> 0);
    classifyRepeat(c, view, ep, peer, record, fromClient, notAdvanced, len);
  }
  let newData = 0;
  // Data below next-expected that fills a skipped range was delivered for the first time.
  let holeFill = 0;
  if (known && !probe && len > 0 && ep.holes !== null && ep.holes.size > 0 && seqLt(seq, next)) {
    const dataStart = syn ? (seq + 1) >>> 0 : seq;
    const dataEnd = (dataStart + len) >>> 0;
    holeFill = ep.holes.fill(dataStart, seqLt(dataEnd, next) ? dataEnd : next);
  }
  if (!known) {
    ep.seqKnown = true;
    ep.nextSeq = end;
    ep.nextSeqTs = ts;
    newData = len;
  } else if (!probe && seqGt(end, next)) {
    newData = Math.min(len, seqDiff(end, next) - (fin ? 1 : 0) - (syn ? 1 : 0));
    ep.nextSeq = end;
    ep.nextSeqTs = ts;
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
      ep.finSeq = (seq + len) >>> 0;
      c.messages?.closedBy(fromClient);
    }
    if (c.state !== 'reset') c.state = peer.finCount > 0 ? 'closed' : 'half-closed';
  } else if (c.state === 'half-closed' && peer.finCount > 0 && ep.finCount > 0) {
    c.state = 'closed';
  }

  // ---- acknowledgements and windows ----
  acknowledgement(c, view, ep, peer, record, syn || fin, len, answersKeepAlive, probe, ack);

  // ---- new data ----
  ep.uniqueBytes += holeFill;
  if (newData > 0) {
    ep.uniqueBytes += newData;
    ep.lastDataTs = ts;
    ep.lastDataFrame = frame;
    ep.lastDataSeq = seq;
    if (!ep.rttPending) {
      ep.rttPending = true;
      ep.rttSeqEnd = (seq + len) >>> 0;
      ep.rttStartTs = ts;
    }
    if (len > 0) {
      if (c.messages === null) c.messages = new MessageLog();
      c.messages.data(view, record.data, frame, ts, fromClient);
    }
  }
}

function handshake(
  c: Connection,
  view: PacketView,
  ep: Endpoint,
  record: CaptureRecord,
  fromClient: boolean,
  ack: boolean,
): void {
  const ts = record.tsMicros;
  ep.synCount++;
  ep.lastSynTs = ts;
  if (ep.isn < 0) {
    ep.isn = view.seq;
    ep.firstSynFrame = record.frame;
    ep.firstSynTs = ts;
    ep.mss = view.mss;
    ep.windowScale = view.windowScale;
    ep.synOptionsCut = view.optionsTruncated;
    ep.sackPermitted = view.sackPermitted;
    ep.timestampsOnSyn = view.hasTimestamp;
  }
  if (ack && !fromClient && (c.state === 'syn-sent' || c.state === 'syn-received')) {
    if (c.synToSynAck < 0 && c.client.isn >= 0) c.synToSynAck = ts - c.client.lastSynTs;
    c.state = 'syn-received';
  }
}

/**
 * A segment carrying data, SYN or FIN that is not a keep-alive: fast retransmission, out-of-order,
 * spurious retransmission or retransmission, the first that applies (Wireshark's order).
 */
function classifyRepeat(
  c: Connection,
  view: PacketView,
  ep: Endpoint,
  peer: Endpoint,
  record: CaptureRecord,
  fromClient: boolean,
  notAdvanced: boolean,
  len: number,
): void {
  const ts = record.tsMicros;
  const frame = record.frame;
  // Where the segment ends (SYN and FIN take a sequence number each), recomputed rather than
  // passed: a sequence number above 2^31 is a float64, boxed when passed to a call.
  const f = view.flags;
  const end = (view.seq + len + ((f & TcpFlag.SYN) !== 0 ? 1 : 0) + ((f & TcpFlag.FIN) !== 0 ? 1 : 0)) >>> 0;
  const seq = view.seq;
  // Spurious: all its data is covered by the peer's latest acknowledgement (data bytes only;
  // checked first, whether or not the segment advances next-expected).
  const spurious =
    len > 0 && peer.lastAckSeen && peer.lastAck !== 0 && seqLeq((seq + len) >>> 0, peer.lastAck);
  const fast =
    !spurious && notAdvanced && peer.dupAckRun >= 2 && peer.lastAck === seq && ts - peer.lastAckTs < 20_000;
  if (!spurious && !fast && notAdvanced) {
    // Arrived within the first RTT after the newest segment and does not end where that one ended
    // (SYN and FIN counted): it overtook rather than repeated (3 ms when no handshake was seen).
    const threshold = c.handshakeRtt > 0 ? c.handshakeRtt : 3000;
    if (ts - ep.nextSeqTs < threshold && ep.nextSeq !== end) {
      ep.outOfOrder++;
      c.marks |= Mark.OUT_OF_ORDER;
      return;
    }
  }
  if (!fast && !spurious && !notAdvanced) return;
  if (spurious) ep.spuriousRetransmissions++;
  // Original send: a logged packet from this side with the same sequence number, else what the
  // endpoint remembers of its latest new data, its SYN and its FIN. When none of those is it (the
  // packet left the bounded history), the retransmission still proves the original was sent.
  let originalTs = -1;
  let originalFrame = 0;
  if (c.retransmissions === null || !hasSegment(c.retransmissions, fromClient, seq)) {
    const original = c.log.findSent(fromClient, seq, frame);
    if (original !== null) {
      originalTs = original.tsMicros;
      originalFrame = original.frame;
    } else if (len > 0 && seq === ep.lastDataSeq && ep.lastDataFrame !== frame) {
      originalTs = ep.lastDataTs;
      originalFrame = ep.lastDataFrame;
    } else if ((view.flags & TcpFlag.SYN) !== 0 && seq === ep.isn && ep.firstSynFrame !== frame) {
      originalTs = ep.firstSynTs;
      originalFrame = ep.firstSynFrame;
    } else if (
      (view.flags & TcpFlag.FIN) !== 0 &&
      ep.finCount > 0 &&
      (seq + len) >>> 0 === ep.finSeq &&
      ep.finFrame !== frame
    ) {
      originalTs = ep.finTs;
      originalFrame = ep.finFrame;
    }
  }
  if (c.retransmissions === null) c.retransmissions = new RetransmissionLog();
  const segLen = seqDiff(end, seq);
  const s = c.retransmissions.record(fromClient, seq, segLen, ts, frame, originalTs, originalFrame);
  ep.retransmissions++;
  c.retransmitted = s;
  if (s.sends - 1 > ep.maxSegmentRetransmissions) ep.maxSegmentRetransmissions = s.sends - 1;
  if (fast) ep.fastRetransmissions++;
  // Wireshark flags spurious and fast retransmissions as retransmissions too.
  c.marks |=
    Mark.RETRANSMISSION |
    (spurious ? Mark.SPURIOUS_RETRANSMISSION : 0) |
    (fast ? Mark.FAST_RETRANSMISSION : 0);
  // Karn's rule: an RTT measured across a retransmission is ambiguous.
  if (ep.rttPending && seqGeq(ep.rttSeqEnd, seq)) ep.rttPending = false;
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
  record: CaptureRecord,
  synOrFin: boolean,
  len: number,
  answersKeepAlive: boolean,
  probe: boolean,
  ackFlag: boolean,
): void {
  const ts = record.tsMicros;
  const a = view.ack;
  if (ackFlag) {
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
      c.retransmissions.acknowledgeUpTo(ep !== c.client, a);
    }
  }

  const w = view.window;
  // Wireshark compares with this side's previous packet whatever its flags: no payload, at
  // next-expected, same ACK number, non-zero window → keep-alive ACK (answers a keep-alive),
  // duplicate ACK (same window) or window update (changed window). A zero-window probe skips these.
  if (
    !probe &&
    len === 0 &&
    !synOrFin &&
    w !== 0 &&
    view.seq === ep.nextSeq &&
    ep.lastAckSeen &&
    a === ep.lastAck
  ) {
    if (w !== ep.lastWindow) {
      ep.windowUpdates++;
      c.marks |= Mark.WINDOW_UPDATE;
    } else if (answersKeepAlive) {
      c.marks |= Mark.KEEP_ALIVE_ACK;
    } else {
      ep.duplicateAcks++;
      ep.dupAckRun++;
      c.marks |= Mark.DUPLICATE_ACK;
    }
  }
  if (!ep.lastAckSeen || a !== ep.lastAck) ep.dupAckRun = 0;
  ep.lastAckSeen = true;
  ep.lastAckTs = ts;
  ep.lastAck = a;
  ep.lastWindow = w;

  // Zero window: Wireshark flags a zero window on any non-SYN/FIN/RST segment but a zero-window probe.
  if (w === 0 && !synOrFin) {
    if (!probe) c.marks |= Mark.ZERO_WINDOW;
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

/**
 * A RST's acknowledgement number still becomes its sender's "latest ACK" in Wireshark's analysis
 * (tcp_analyze_sequence_number runs for resets too), so a later segment from the peer that it
 * covers is a spurious retransmission there. Its window is deliberately not taken as an
 * advertisement: a reset's window (often 0) says nothing about the receive buffer.
 */
export function noteResetAck(ep: Endpoint, view: PacketView, record: CaptureRecord): void {
  const ts = record.tsMicros;
  if (!ep.lastAckSeen || view.ack !== ep.lastAck) ep.dupAckRun = 0;
  ep.lastAckSeen = true;
  ep.lastAck = view.ack;
  ep.lastAckTs = ts;
}
