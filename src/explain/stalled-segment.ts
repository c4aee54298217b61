import { TcpFlag } from '../decode/packet-view.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import type { SegmentSends } from '../tcp/retransmission-log.ts';
import { seqGeq, seqGt } from '../tcp/seq.ts';

/**
 * A segment that was still waiting for its acknowledgement when the reset came, and how a
 * retransmission timer resent it. What "retransmission-exhausted" (Windows resets after 5 timed
 * retransmissions of ONE segment) and the trace-back's retransmission line describe.
 *
 * The tracker counts every repeat of a sequence number; most repeats are not timer
 * retransmissions and say nothing about a reset:
 * - copies of one packet captured again (tcpdump -i any on a router, a mirror port): microseconds
 *   apart; see capture-copies.ts;
 * - a fast retransmission, a repeat within one round trip;
 * - a handshake SYN resent before the SYN-ACK got through, long since answered;
 * - a segment acknowledged before the reset and never sent again.
 * A retransmission timer never fires sooner than the round-trip time (RFC 6298 §2: RTO ≥ SRTT;
 * Linux's floor is 200 ms, Windows' 300 ms), so only resends at least that far apart are counted.
 */
export interface StalledSegment {
  fromClient: boolean;
  seq: number;
  len: number;
  /** Sends a retransmission timer made (the original first), at least MIN_RTO apart. */
  times: number[];
  frames: number[];
  /** Repeats not counted: copies and resends too close to be a timer's (≥ 0). */
  ignored: number;
  /** Time between successive counted sends (µs). */
  gaps: number[];
  /** The gaps grow (each at least 1.5× the previous): the exponential backoff of RFC 6298 §5.5. */
  backoff: boolean;
  /** The peer acknowledged it, yet the sender kept resending at timer pace: the ACKs were lost
   *  between the capture point and the sender. Null: never acknowledged before the reset. */
  ackedBy: LoggedPacket | null;
}

/** No timer retransmits faster than this, whatever the RTT (µs). */
const MIN_RTO = 20_000;

/**
 * The segment of one side (`fromClient`) still outstanding at `resetTs`, resent by a timer at
 * least `minSends − 1` times, or null. `before` is the connection's packet history up to the
 * reset, `ackedUpTo` how far the other side had acknowledged that side's data at the reset (raw
 * seq, −1 unknown), `rtt` the best round-trip estimate (µs, −1 unknown).
 */
export function stalledSegment(
  segments: readonly SegmentSends[],
  before: readonly LoggedPacket[],
  fromClient: boolean,
  resetTs: number,
  ackedUpTo: number,
  rtt: number,
  minSends = 3,
): StalledSegment | null {
  let best: StalledSegment | null = null;
  for (const s of segments) {
    if (s.fromClient !== fromClient || s.times[0] > resetTs) continue;
    const candidate = judge(s, before, resetTs, ackedUpTo, rtt);
    if (candidate === null || candidate.times.length < minSends) continue;
    if (best === null || candidate.times.length > best.times.length) best = candidate;
  }
  return best;
}

function judge(
  s: SegmentSends,
  before: readonly LoggedPacket[],
  resetTs: number,
  ackedUpTo: number,
  rtt: number,
): StalledSegment | null {
  const floor = Math.max(MIN_RTO, rtt > 0 ? rtt : 0);
  const times: number[] = [];
  const frames: number[] = [];
  let ignored = 0;
  for (let i = 0; i < s.times.length; i++) {
    const t = s.times[i];
    if (t > resetTs) break;
    if (times.length > 0 && t - times[times.length - 1] < floor) {
      ignored++;
      continue;
    }
    times.push(t);
    frames.push(s.frames[i]);
  }
  if (times.length === 0) return null;
  const end = (s.seq + s.len) >>> 0;
  const firstSend = times[0];
  const lastSend = times[times.length - 1];
  const isSyn = before.some(
    (p) => p.fromClient === s.fromClient && p.seq === s.seq && (p.flags & TcpFlag.SYN) !== 0,
  );
  let ackedBy: LoggedPacket | null = null;
  for (const p of before) {
    if (p.tsMicros < firstSend || (p.flags & TcpFlag.RST) !== 0) continue;
    if (p.fromClient === s.fromClient) {
      // The sender moved on: new data beyond the segment after its last resend, or (for a SYN)
      // the handshake completed — it had the acknowledgement.
      if (p.tsMicros > lastSend && p.len > 0 && seqGt((p.seq + p.len) >>> 0, end)) return null;
      if (isSyn && (p.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.ACK) return null;
      continue;
    }
    if (ackedBy === null && (p.flags & TcpFlag.ACK) !== 0 && seqGeq(p.ack, end)) ackedBy = p;
  }
  if (ackedBy !== null) {
    // Acknowledged before the reset: it only counts if the sender went on resending it at a
    // timer's pace after that ACK (so the ACK never reached it).
    const after = times.filter((t) => t > ackedBy!.tsMicros).length;
    if (after < 2) return null;
  } else if (ackedUpTo >= 0 && seqGeq(ackedUpTo, end)) {
    // Acknowledged before the reset by a packet the bounded history no longer holds: when is
    // unknown, so it cannot be called outstanding.
    return null;
  }
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  return {
    fromClient: s.fromClient,
    seq: s.seq,
    len: s.len,
    times,
    frames,
    ignored: ignored + Math.max(0, s.sends - s.times.length),
    gaps,
    backoff: gaps.length >= 2 && gaps.every((d, i) => i === 0 || d >= gaps[i - 1] * 1.5),
    ackedBy,
  };
}
