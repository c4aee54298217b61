/**
 * One direction of a connection: what one host sent, and the habits its packets show (TTL, IP ID,
 * options) so that a reset carrying this host's address can be compared with its other packets.
 */
export class Endpoint {
  readonly address = new Uint32Array(4);
  ipVersion: 4 | 6 = 4;
  port = 0;

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
  /** Payload bytes of new data (sequence space advanced). */
  uniqueBytes = 0;
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
