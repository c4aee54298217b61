import { formatAddress, formatEndpoint } from '../decode/address.ts';
import type { SequenceHoles } from './sequence-holes.ts';

/** Slots of Endpoint.d (see there). */
const F_W0 = 0;
const F_W1 = 1;
const F_W2 = 2;
const F_W3 = 3;
const F_ISN = 4;
const F_FIRST_SYN_TS = 5;
const F_LAST_SYN_TS = 6;
const F_NEXT_SEQ = 7;
const F_HIGHEST_ACK = 8;
const F_LAST_ACK = 9;
const F_FIN_TS = 10;
const F_FIN_SEQ = 11;
const F_LAST_ACK_TS = 12;
const F_NEXT_SEQ_TS = 13;
const F_RTT_SEQ_END = 14;
const F_RTT_START_TS = 15;
const F_FIRST_TS = 16;
const F_LAST_TS = 17;
const F_LAST_DATA_TS = 18;
const F_LAST_DATA_SEQ = 19;
const F_ZERO_WINDOW_SINCE = 20;
const F_LONGEST_ZERO_WINDOW = 21;
const F_LAST_TS_VAL = 22;

const SCRATCH = new Uint32Array(4);

/**
 * One direction of a connection: what one host sent, and the habits its packets show (TTL, IP ID,
 * options) so that a reset carrying this host's address can be compared with its other packets.
 */
export class Endpoint {
  /**
   * The numbers that are float64 values — capture times (µs since 1970), raw 32-bit sequence
   * numbers, the address words — unboxed in one array of doubles, behind accessors that keep the
   * fields' names. In an object field this V8 keeps such a number as an immutable heap number, so
   * every store of a new value allocated one: about ten per packet over a connection's fields,
   * and a connection's worth of them for the garbage collector to copy.
   */
  private readonly d: number[] = [0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, -1, -1, -1, 0, -1];

  /**
   * Back to the state of a new Endpoint, for a recycled connection (see Connection.release):
   * every field with its initial value, in declaration order (test/tcp/recycle.test.ts checks that
   * none is missing). Plain stores: Object.assign from a template cost ~7 µs a call.
   */
  reset(): void {
    const d = this.d;
    for (let i = 0; i < D_INITIAL.length; i++) d[i] = D_INITIAL[i];
    this.ipVersion = 4;
    this.port = 0;
    this.text = null;
    this.endpointTextCache = null;
    this.endpointTextPort = -1;
    this.synCount = 0;
    this.firstSynFrame = 0;
    this.mss = -1;
    this.windowScale = -1;
    this.sackPermitted = false;
    this.timestampsOnSyn = false;
    this.synOptionsCut = false;
    this.seqKnown = false;
    this.ackKnown = false;
    this.lastAckSeen = false;
    this.lastWindow = -1;
    this.window = -1;
    this.finCount = 0;
    this.finFrame = 0;
    this.rstCount = 0;
    this.firstRstFrame = 0;
    this.packets = 0;
    this.wireBytes = 0;
    this.payloadBytes = 0;
    this.uniqueBytes = 0;
    this.holes = null;
    this.retransmissions = 0;
    this.maxSegmentRetransmissions = 0;
    this.fastRetransmissions = 0;
    this.spuriousRetransmissions = 0;
    this.outOfOrder = 0;
    this.duplicateAcks = 0;
    this.dupAckRun = 0;
    this.keepAlives = 0;
    this.lastWasKeepAlive = false;
    this.zeroWindows = 0;
    this.zeroWindowProbes = 0;
    this.windowUpdates = 0;
    this.gapBytes = 0;
    this.gaps = 0;
    this.ackedUnseen = 0;
    this.rttPending = false;
    this.lastDataFrame = 0;
    this.ttlMin = 256;
    this.ttlMax = -1;
    this.ttlFirst = -1;
    this.ttlMode = -1;
    this.ttlVotes = 0;
    this.lastIpId = -1;
    this.ipIdZero = 0;
    this.ipIdSequential = 0;
    this.withTimestamp = 0;
  }

  /**
   * The address as four 32-bit words (IPv4 in w0, the rest 0), numbers rather than a typed array
   * of its own (an ArrayBuffer per endpoint made connection setup and its garbage collection a
   * visible share of tracking time). `address` builds the array form when asked.
   */
  get w0(): number {
    return this.d[F_W0];
  }

  set w0(v: number) {
    this.d[F_W0] = v;
  }

  get w1(): number {
    return this.d[F_W1];
  }

  set w1(v: number) {
    this.d[F_W1] = v;
  }

  get w2(): number {
    return this.d[F_W2];
  }

  set w2(v: number) {
    this.d[F_W2] = v;
  }

  get w3(): number {
    return this.d[F_W3];
  }

  set w3(v: number) {
    this.d[F_W3] = v;
  }

  ipVersion: 4 | 6 = 4;
  port = 0;

  /** The address as decode/address.ts expects it (allocates: for reports and rules, not per packet). */
  get address(): Uint32Array {
    return Uint32Array.of(this.w0, this.w1, this.w2, this.w3);
  }

  /**
   * The address as text (RFC 5952 for IPv6), made once: the explain layer names every ended
   * connection's hosts several times (host habits, sketches, findings).
   */
  get addressText(): string {
    if (this.text === null) this.text = formatAddress(this.ipVersion, this.scratchAddress());
    return this.text;
  }

  private text: string | null = null;

  /** The address words in a shared array, for a formatter that reads them at once (a typed
   *  array per endpoint named was ~300 bytes of garbage each). */
  private scratchAddress(): Uint32Array {
    SCRATCH[0] = this.w0;
    SCRATCH[1] = this.w1;
    SCRATCH[2] = this.w2;
    SCRATCH[3] = this.w3;
    return SCRATCH;
  }

  /** "ip:port" ("[v6]:port"), made once: every finding and summary names both ends. */
  get endpointText(): string {
    if (this.endpointTextCache === null || this.endpointTextPort !== this.port) {
      this.endpointTextCache = formatEndpoint(this.ipVersion, this.scratchAddress(), this.port);
      this.endpointTextPort = this.port;
    }
    return this.endpointTextCache;
  }

  private endpointTextCache: string | null = null;
  private endpointTextPort = -1;

  setAddress(words: Uint32Array): void {
    this.text = null;
    this.endpointTextCache = null;
    const d = this.d;
    d[F_W0] = words[0];
    d[F_W1] = words[1];
    d[F_W2] = words[2];
    d[F_W3] = words[3];
  }

  hasAddress(words: Uint32Array): boolean {
    const d = this.d;
    return words[0] === d[F_W0] && words[1] === d[F_W1] && words[2] === d[F_W2] && words[3] === d[F_W3];
  }

  // ---- handshake ----
  /** Initial sequence number from this side's SYN, -1 when no SYN was seen. */
  get isn(): number {
    return this.d[F_ISN];
  }

  set isn(v: number) {
    this.d[F_ISN] = v;
  }

  synCount = 0;
  firstSynFrame = 0;
  get firstSynTs(): number {
    return this.d[F_FIRST_SYN_TS];
  }

  set firstSynTs(v: number) {
    this.d[F_FIRST_SYN_TS] = v;
  }

  get lastSynTs(): number {
    return this.d[F_LAST_SYN_TS];
  }

  set lastSynTs(v: number) {
    this.d[F_LAST_SYN_TS] = v;
  }

  /** Options this host offered in its SYN / SYN-ACK. */
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  timestampsOnSyn = false;
  /** The snaplen cut this host's SYN options: an absent window scale is unknown, not "none". */
  synOptionsCut = false;

  // ---- sequence state (raw 32-bit numbers) ----
  /** Whether nextSeq holds a value (first packet from this side seen). */
  seqKnown = false;
  /** Highest sequence number sent + 1 (data, SYN and FIN count), the "next expected" of Wireshark. */
  get nextSeq(): number {
    return this.d[F_NEXT_SEQ];
  }

  set nextSeq(v: number) {
    this.d[F_NEXT_SEQ] = v;
  }

  /** Highest acknowledgement number this side sent (what it has received from the peer). */
  get highestAck(): number {
    return this.d[F_HIGHEST_ACK];
  }

  set highestAck(v: number) {
    this.d[F_HIGHEST_ACK] = v;
  }

  ackKnown = false;
  /** Acknowledgement number and window of this side's latest packet (Wireshark's lastack and
   *  window: any packet, whatever its flags), for duplicate ACKs, window updates and spurious
   *  retransmissions. */
  get lastAck(): number {
    return this.d[F_LAST_ACK];
  }

  set lastAck(v: number) {
    this.d[F_LAST_ACK] = v;
  }

  lastAckSeen = false;
  lastWindow = -1;
  /** Last advertised window, raw and scaled (scaled = raw << peer-agreed shift, when known). */
  window = -1;

  // ---- close ----
  finCount = 0;
  finFrame = 0;
  get finTs(): number {
    return this.d[F_FIN_TS];
  }

  set finTs(v: number) {
    this.d[F_FIN_TS] = v;
  }

  /** Sequence number of the FIN (its own sequence slot), -1 if none. */
  get finSeq(): number {
    return this.d[F_FIN_SEQ];
  }

  set finSeq(v: number) {
    this.d[F_FIN_SEQ] = v;
  }

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
  get lastAckTs(): number {
    return this.d[F_LAST_ACK_TS];
  }

  set lastAckTs(v: number) {
    this.d[F_LAST_ACK_TS] = v;
  }

  /** Time nextSeq last advanced (Wireshark's nextseqtime), for out-of-order detection. */
  get nextSeqTs(): number {
    return this.d[F_NEXT_SEQ_TS];
  }

  set nextSeqTs(v: number) {
    this.d[F_NEXT_SEQ_TS] = v;
  }

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
  get rttSeqEnd(): number {
    return this.d[F_RTT_SEQ_END];
  }

  set rttSeqEnd(v: number) {
    this.d[F_RTT_SEQ_END] = v;
  }

  get rttStartTs(): number {
    return this.d[F_RTT_START_TS];
  }

  set rttStartTs(v: number) {
    this.d[F_RTT_START_TS] = v;
  }

  /** Time and frame of the last new data segment, for locating the original of a retransmission. */
  get firstTs(): number {
    return this.d[F_FIRST_TS];
  }

  set firstTs(v: number) {
    this.d[F_FIRST_TS] = v;
  }

  get lastTs(): number {
    return this.d[F_LAST_TS];
  }

  set lastTs(v: number) {
    this.d[F_LAST_TS] = v;
  }

  get lastDataTs(): number {
    return this.d[F_LAST_DATA_TS];
  }

  set lastDataTs(v: number) {
    this.d[F_LAST_DATA_TS] = v;
  }

  lastDataFrame = 0;
  /** Sequence number of that segment (its first data byte). */
  get lastDataSeq(): number {
    return this.d[F_LAST_DATA_SEQ];
  }

  set lastDataSeq(v: number) {
    this.d[F_LAST_DATA_SEQ] = v;
  }

  /** Start of the current zero-window period advertised by this side, -1 when not zero. */
  get zeroWindowSince(): number {
    return this.d[F_ZERO_WINDOW_SINCE];
  }

  set zeroWindowSince(v: number) {
    this.d[F_ZERO_WINDOW_SINCE] = v;
  }

  get longestZeroWindow(): number {
    return this.d[F_LONGEST_ZERO_WINDOW];
  }

  set longestZeroWindow(v: number) {
    this.d[F_LONGEST_ZERO_WINDOW] = v;
  }

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
  get lastTsVal(): number {
    return this.d[F_LAST_TS_VAL];
  }

  set lastTsVal(v: number) {
    this.d[F_LAST_TS_VAL] = v;
  }

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

/** `d` of a new endpoint. */
const D_INITIAL: readonly number[] = (new Endpoint() as unknown as { d: number[] }).d.slice();
