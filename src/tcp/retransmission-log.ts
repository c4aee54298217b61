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
  /**
   * Sends of this segment, the original included. A retransmission proves an earlier send, so the
   * count includes the original even when the capture never showed it or its packet left the
   * bounded history (then `originalKnown` is false and `times` lacks it).
   */
  sends: number;
  /** Whether times[0]/frames[0] are the original send. */
  originalKnown: boolean;
  /** Times and frames of the sends that were seen (at most MAX_SEND_TIMES kept). */
  times: number[];
  frames: number[];
  /** Whether the peer ever acknowledged it. */
  acked: boolean;
  /** Whether the tracker already announced this episode (TrackerListener.retransmission). */
  reported: boolean;
}

const MAX_SEGMENTS = 32;
const MAX_SEND_TIMES = 16;

export class RetransmissionLog {
  readonly segments: SegmentSends[] = [];
  /** Segments evicted when more than MAX_SEGMENTS distinct segments were retransmitted. */
  dropped = 0;
  /** Episodes over (segment acknowledged, or evicted) and not yet announced: a cheap test per packet. */
  finishedPending = 0;
  /** Evicted segments whose episode was not announced yet (allocated only when that happens). */
  private evicted: SegmentSends[] | null = null;

  /**
   * Record a retransmission. `originalTs/originalFrame` is the original send if known (-1 when the
   * capture never showed it, or it left the packet history). Returns the segment.
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
        if (s.reported) {
          // Sent again after its episode was announced: a new episode (already acked: over at once).
          s.reported = false;
          if (s.acked) this.finishedPending++;
        }
        return s;
      }
    }
    const known = originalTs >= 0;
    const s: SegmentSends = {
      fromClient,
      seq,
      len,
      sends: 2,
      originalKnown: known,
      times: known ? [originalTs, tsMicros] : [tsMicros],
      frames: known ? [originalFrame, frame] : [frame],
      acked: false,
      reported: false,
    };
    if (this.segments.length >= MAX_SEGMENTS) {
      const old = this.segments.shift()!;
      this.dropped++;
      if (!old.reported) {
        if (old.acked) this.finishedPending--;
        if (this.evicted === null) this.evicted = [];
        this.evicted.push(old);
        this.finishedPending++;
      }
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
      if (s.fromClient === fromClient && !s.acked && ((ack - ((s.seq + s.len) >>> 0)) | 0) >= 0) {
        s.acked = true;
        if (!s.reported) this.finishedPending++;
      }
    }
  }

  /** Mark segments of one direction covered by an acknowledgement number. */
  acknowledge(fromClient: boolean, ackCovers: (seqEnd: number) => boolean): void {
    for (const s of this.segments) {
      if (s.fromClient === fromClient && !s.acked && ackCovers((s.seq + s.len) >>> 0)) {
        s.acked = true;
        if (!s.reported) this.finishedPending++;
      }
    }
  }

  /**
   * Hand each finished, unannounced episode to `announce` once: acknowledged or evicted segments,
   * or every remaining one when `all` (the connection ended).
   */
  announce<C>(owner: C, announce: (owner: C, s: SegmentSends) => void, all: boolean): void {
    if (this.evicted !== null) {
      const evicted = this.evicted;
      this.evicted = null;
      for (const s of evicted) {
        s.reported = true;
        announce(owner, s);
      }
    }
    for (const s of this.segments) {
      if (!s.reported && (s.acked || all)) {
        s.reported = true;
        announce(owner, s);
      }
    }
    this.finishedPending = 0;
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
