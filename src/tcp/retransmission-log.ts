/**
 * Retransmissions of the same segment, counted per segment: how many times the segment at seq X
 * was sent, and when. The backoff pattern between those times (RTO doubling) is what tells a stack
 * giving up (Windows resets after 5 unanswered retransmissions; Linux goes silent after
 * tcp_retries2) from a path that merely drops one packet.
 */
export interface SegmentSends {
  fromClient: boolean;
  seq: number;
  len: number;
  /** Sends of this segment, the original first (capped at MAX_SEND_TIMES kept). */
  sends: number;
  times: number[];
  frames: number[];
  /** Whether the peer ever acknowledged it. */
  acked: boolean;
}

const MAX_SEGMENTS = 32;
const MAX_SEND_TIMES = 16;

export class RetransmissionLog {
  readonly segments: SegmentSends[] = [];
  /** Segments evicted when more than MAX_SEGMENTS distinct segments were retransmitted. */
  dropped = 0;

  /**
   * Record a retransmission. `originalTs/originalFrame` is the first send if known (-1 when the
   * capture never showed it). Returns the segment's total number of sends so far.
   */
  record(
    fromClient: boolean,
    seq: number,
    len: number,
    tsMicros: number,
    frame: number,
    originalTs: number,
    originalFrame: number,
  ): SegmentSends {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      if (s.fromClient === fromClient && s.seq === seq) {
        s.sends++;
        if (len > s.len) s.len = len;
        if (s.times.length < MAX_SEND_TIMES) {
          s.times.push(tsMicros);
          s.frames.push(frame);
        }
        return s;
      }
    }
    const s: SegmentSends = {
      fromClient,
      seq,
      len,
      sends: originalTs >= 0 ? 2 : 1,
      times: originalTs >= 0 ? [originalTs, tsMicros] : [tsMicros],
      frames: originalTs >= 0 ? [originalFrame, frame] : [frame],
      acked: false,
    };
    if (this.segments.length >= MAX_SEGMENTS) {
      this.segments.shift();
      this.dropped++;
    }
    this.segments.push(s);
    return s;
  }

  /**
   * Mark segments of one direction that `ack` covers (end ≤ ack modulo 2^32). Called for every
   * ACK of a connection that had a retransmission: no closure, no allocation.
   */
  acknowledgeUpTo(fromClient: boolean, ack: number): void {
    const segments = this.segments;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s.fromClient === fromClient && !s.acked && ((ack - ((s.seq + s.len) >>> 0)) | 0) >= 0)
        s.acked = true;
    }
  }

  /** Mark segments of one direction covered by an acknowledgement number. */
  acknowledge(fromClient: boolean, ackCovers: (seqEnd: number) => boolean): void {
    for (const s of this.segments) {
      if (s.fromClient === fromClient && !s.acked && ackCovers((s.seq + s.len) >>> 0)) s.acked = true;
    }
  }

  /** The most-sent segment of one direction (null when none). */
  worst(fromClient: boolean): SegmentSends | null {
    let best: SegmentSends | null = null;
    for (const s of this.segments) {
      if (s.fromClient === fromClient && (best === null || s.sends > best.sends)) best = s;
    }
    return best;
  }
}
