import type { SequenceHoles } from './sequence-holes.ts';

/**
 * One direction of a connection: what one host sent, and the habits its packets show (TTL, IP ID,
 * options) so that a reset carrying this host's address can be compared with its other packets.
 */
export class Endpoint {
  /**
   * The address as four 32-bit words (IPv4 in w0, the rest 0), held as plain fields: a typed
   * array per endpoint is an ArrayBuffer of its own, which made connection setup and its garbage
   * collection a visible share of tracking time. `address` builds the array form when asked.
   */
  w0 = 0;
  w1 = 0;
  w2 = 0;
  w3 = 0;
  ipVersion: 4 | 6 = 4;
  port = 0;

  /** The address as decode/address.ts expects it (allocates: for reports and rules, not per packet). */
  get address(): Uint32Array {
    return Uint32Array.of(this.w0, this.w1, this.w2, this.w3);
  }

  setAddress(words: Uint32Array): void {
    this.w0 = words[0];
    this.w1 = words[1];
    this.w2 = words[2];
    this.w3 = words[3];
  }

  hasAddress(words: Uint32Array): boolean {
    return words[0] === this.w0 && words[1] === this.w1 && words[2] === this.w2 && words[3] === this.w3;
  }

  // ---- handshake ----
  /** Initial sequence number from this side's SYN, -1 when no SYN was seen. */
  isn = -1;
  synCount = 0;
  firstSynFrame = 0;
  firstSynTs = 0;
  lastSynTs = 0;
  /** Options this host offered in its SYN / SYN-ACK. */
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  timestampsOnSyn = false;

  // ---- sequence state (raw 32-bit numbers) ----
  /** Whether nextSeq holds a value (first packet from this side seen). */
  seqKnown = false;
  /** Highest sequence number sent + 1 (data, SYN and FIN count), the "next expected" of Wireshark. */
  nextSeq = 0;
  /** Highest acknowledgement number this side sent (what it has received from the peer). */
  highestAck = 0;
  ackKnown = false;
  /** Acknowledgement number and window of this side's latest packet (Wireshark's lastack and
   *  window: any packet, whatever its flags), for duplicate ACKs, window updates and spurious
   *  retransmissions. */
  lastAck = 0;
  lastAckSeen = false;
  lastWindow = -1;
  /** Last advertised window, raw and scaled (scaled = raw << peer-agreed shift, when known). */
  window = -1;

  // ---- close ----
  finCount = 0;
  finFrame = 0;
  finTs = 0;
  /** Sequence number of the FIN (its own sequence slot), -1 if none. */
  finSeq = -1;
  rstCount = 0;
  firstRstFrame = 0;

  // ---- counters ----
  packets = 0;
  /** Bytes on the wire (original lengths). */
  wireBytes = 0;
  /** TCP payload bytes sent, including retransmissions. */
  payloadBytes = 0;
  /** Payload bytes delivered for the first time: data that advanced the sequence space, and data
   *  that filled a hole the capture had skipped (out of order, or retransmitted after a loss). */
  uniqueBytes = 0;
  /** Skipped sequence ranges that may still be filled (allocated on the first gap). */
  holes: SequenceHoles | null = null;
  retransmissions = 0;
  /** Highest number of times one segment (same seq) was sent again. */
  maxSegmentRetransmissions = 0;
  fastRetransmissions = 0;
  spuriousRetransmissions = 0;
  outOfOrder = 0;
  duplicateAcks = 0;
  /** Duplicate ACKs since this side's ACK last moved (Wireshark's dupacknum), for fast retransmissions. */
  dupAckRun = 0;
  /** Time of this side's latest ACK (Wireshark's lastacktime). */
  lastAckTs = 0;
  /** Time nextSeq last advanced (Wireshark's nextseqtime), for out-of-order detection. */
  nextSeqTs = 0;
  keepAlives = 0;
  /** This side's latest packet was a keep-alive (so the peer's next ACK answers it). */
  lastWasKeepAlive = false;
  zeroWindows = 0;
  zeroWindowProbes = 0;
  windowUpdates = 0;
  /** Bytes this side's sequence jumped over (packets the capture missed), Wireshark's "previous segment not captured". */
  gapBytes = 0;
  gaps = 0;
  /** Acknowledgements of data the capture never showed ("ACKed unseen segment"). */
  ackedUnseen = 0;

  // ---- timing ----
  /** One segment being timed for an RTT sample (Karn's rule: cancelled by a retransmission). */
  rttPending = false;
  rttSeqEnd = 0;
  rttStartTs = 0;
  /** Time and frame of the last new data segment, for locating the original of a retransmission. */
  firstTs = 0;
  lastTs = 0;
  lastDataTs = -1;
  lastDataFrame = 0;
  /** Sequence number of that segment (its first data byte). */
  lastDataSeq = -1;
  /** Start of the current zero-window period advertised by this side, -1 when not zero. */
  zeroWindowSince = -1;
  longestZeroWindow = 0;

  // ---- habits, for origin scoring ----
  ttlMin = 256;
  ttlMax = -1;
  ttlFirst = -1;
  /** Most frequent TTL and its count (Boyer–Moore majority vote: exact when one value dominates). */
  ttlMode = -1;
  private ttlVotes = 0;
  lastIpId = -1;
  ipIdZero = 0;
  /** Packets whose IP ID was previous + 1..256 (a counter), for IP-ID continuity. */
  ipIdSequential = 0;
  withTimestamp = 0;
  lastTsVal = -1;

  observeHabits(ttl: number, ipId: number, hasTimestamp: boolean, tsVal: number): void {
    if (ttl >= 0) {
      if (ttl < this.ttlMin) this.ttlMin = ttl;
      if (ttl > this.ttlMax) this.ttlMax = ttl;
      if (this.ttlFirst < 0) this.ttlFirst = ttl;
      if (this.ttlVotes === 0) {
        this.ttlMode = ttl;
        this.ttlVotes = 1;
      } else if (ttl === this.ttlMode) this.ttlVotes++;
      else this.ttlVotes--;
    }
    if (ipId >= 0) {
      if (ipId === 0) this.ipIdZero++;
      else if (this.lastIpId >= 0) {
        const step = (ipId - this.lastIpId) & 0xffff;
        if (step >= 1 && step <= 256) this.ipIdSequential++;
      }
      this.lastIpId = ipId;
    }
    if (hasTimestamp) {
      this.withTimestamp++;
      this.lastTsVal = tsVal;
    }
  }
}
