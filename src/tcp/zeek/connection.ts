/**
 * A faithful re-implementation of Zeek's TCP connection analysis as far as it decides conn.log's
 * `history`, `conn_state`, `orig_bytes`/`resp_bytes` and when a 4-tuple starts a new connection:
 * the endpoint state machine and history bookkeeping of TCPSessionAdapter.cc, the checksum and
 * role-flip decisions of TCP.cc / IPBasedAnalyzer.cc, the gap detection of TCP_Reassembler.cc and
 * the removal timers. Fed one packet at a time; nothing is allocated per packet.
 *
 * Zeek names are kept in comments so each branch can be checked against the original.
 */

import type { PacketView } from '../../decode/packet-view.ts';
import { TcpFlag } from '../../decode/packet-view.ts';
import { zeekConnState } from './conn-state.ts';
import { TOO_LARGE_SEQ_DELTA, ZeekDefaults } from './constants.ts';
import { ZeekEndpoint } from './endpoint.ts';
import { EndpointState, type EndpointStateValue } from './endpoint-state.ts';
import { HistMask, History } from './history.ts';
import { seqDelta, seqPlus } from './seq32.ts';

const ORIG_SEEN = 1;
const RESP_SEEN = 2;

/** Analyzer timers of TCPSessionAdapter that can remove a connection. */
const Timer = { expire: 0, attempt: 1, connDelete: 2 } as const;
type TimerKind = (typeof Timer)[keyof typeof Timer];

export interface ZeekOptions {
  /**
   * Zeek's `likely_server_ports` (TCP): a connection whose first packet is not a plain SYN is
   * flipped when its source port is in this set (IPBasedAnalyzer WantConnection). The set
   * depends on the scripts Zeek loaded; empty in bare mode.
   */
  likelyServerPorts?: ReadonlySet<number>;
}

const NO_PORTS: ReadonlySet<number> = new Set();

export class ZeekConnection {
  private orig = new ZeekEndpoint(true);
  private resp = new ZeekEndpoint(false);
  private readonly hist = new History();
  private readonly likelyServerPorts: ReadonlySet<number>;

  private flipped = false;
  private packets = 0;
  private isPartial = false;
  private firstPacketSeen = 0;
  /** TCPSessionAdapter is_active: cleared once the connection finished or was reset. */
  private isActive = true;
  private closeDeferred = false;
  private deferredGenEvent = false;

  /** Connection start and last activity (Conn start_time, last_time), µs. */
  startTime = 0;
  lastTime = 0;
  private inactivityTimeout: number = ZeekDefaults.handshakeInactivity;
  private timerAt: number[] = [];
  private timerKind: TimerKind[] = [];
  private removed = false;

  // Per-packet scratch (no allocation): result of relativeSeq and of the state machine.
  private underflow = false;
  private doClose = false;
  private genEvent = false;

  constructor(options: ZeekOptions = {}) {
    this.orig.peer = this.resp;
    this.resp.peer = this.orig;
    this.likelyServerPorts = options.likelyServerPorts ?? NO_PORTS;
  }

  /** Zeek's originator is the first sender unless Zeek flipped the roles ('^' in history). */
  get originatorIsFirstSender(): boolean {
    return !this.flipped;
  }

  history(): string {
    return this.hist.toString();
  }

  connState(): string {
    return zeekConnState(
      this.orig.state,
      this.resp.state,
      this.orig.size(),
      this.resp.size(),
      this.history(),
    );
  }

  /** orig_bytes / resp_bytes as Zeek computes them from sequence numbers (TCP_Endpoint::Size). */
  get origBytes(): number {
    return this.orig.size();
  }

  get respBytes(): number {
    return this.resp.size();
  }

  /** Zeek's endpoint states (c$orig$state, c$resp$state): see EndpointState. */
  get origState(): EndpointStateValue {
    return this.orig.state;
  }

  get respState(): EndpointStateValue {
    return this.resp.state;
  }

  /** Packets fed so far (including ones Zeek dropped for a bad checksum). */
  get packetCount(): number {
    return this.packets;
  }

  /**
   * Whether Zeek would treat this packet as the start of a NEW connection on the same 4-tuple
   * (TCPSessionAdapter::IsReuse): only SYNs (SYN-ACKs for half-seen connections) qualify, and
   * only on a closed connection or with an initial sequence number different from the known one.
   */
  static isReuse(conn: ZeekConnection, _fromFirstSender: boolean, view: PacketView): boolean {
    const flags = view.flags;
    if ((flags & TcpFlag.SYN) === 0) return false;
    let connOrig = conn.orig;
    if ((flags & TcpFlag.ACK) !== 0) {
      if (conn.orig.state !== EndpointState.inactive) return false; // not a half connection
      connOrig = conn.resp;
    }
    if (!(conn.orig.didClose || conn.resp.didClose)) {
      const baseSeq = view.seq >>> 0;
      if (baseSeq === connOrig.startSeq) return false;
      // SYN and SYN-ACK seen in reverse order: not a reuse, the state machine flips roles.
      if (
        (flags & TcpFlag.ACK) === 0 &&
        connOrig.state === EndpointState.synAckSent &&
        conn.resp.state === EndpointState.inactive &&
        baseSeq === conn.resp.startSeq
      ) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether Zeek's timers would have removed this connection before a packet at `tsMicros`
   * (attempt, expire, close-delay and inactivity timers). A removed connection is final: the
   * next packet on the 4-tuple starts a new one. Call it with non-decreasing times, before
   * `isReuse` and `packet` for the connection's next packet (that is Zeek's order: timers, then
   * session lookup, then IsReuse). Timers run at their own times; Zeek runs them when the next
   * packet of the whole trace arrives, which can only differ in edge cases.
   */
  expiredBy(tsMicros: number): boolean {
    if (this.removed) return true;
    if (this.packets === 0) return false;
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.timerAt.length; i++) {
        if (this.timerAt[i] <= tsMicros && (next < 0 || this.timerAt[i] < this.timerAt[next])) next = i;
      }
      const inactiveAt = this.lastTime + this.inactivityTimeout;
      if (next < 0 || inactiveAt <= this.timerAt[next]) {
        if (inactiveAt <= tsMicros) this.removed = true; // Session::InactivityTimer
        if (next < 0 || this.removed) return this.removed;
      }
      const at = this.timerAt[next];
      const kind = this.timerKind[next];
      this.timerAt.splice(next, 1);
      this.timerKind.splice(next, 1);
      this.fireTimer(kind, at);
      if (this.removed) return true;
    }
  }

  /**
   * Feed one packet of this connection. `fromFirstSender` = sent by the host that sent the
   * connection's first captured packet. `checksumOk`: false makes Zeek drop the packet after
   * writing a C/c history letter (runs without -C); null or true when not verified.
   */
  packet(fromFirstSender: boolean, view: PacketView, tsMicros: number, checksumOk: boolean | null): void {
    const flags = view.flags;
    if (this.packets === 0) {
      this.startTime = tsMicros;
      this.lastTime = tsMicros;
      this.addTimer(Timer.expire, tsMicros + ZeekDefaults.synTimeout);
      if (this.wantsFlip(flags, view.sport, view.dport)) this.flip();
    } else if (
      // Zeek PR #2191: a connection that began with a SYN-ACK (no SYN seen) is flipped once an
      // ACK-bearing packet follows, since stealth scans elicit only RSTs or nothing.
      this.orig.state === EndpointState.synAckSent &&
      this.resp.state === EndpointState.inactive &&
      (flags & TcpFlag.ACK) !== 0 &&
      (flags & TcpFlag.RST) === 0
    ) {
      this.flip();
      this.setState(this.resp, EndpointState.established);
    }
    ++this.packets;
    const isOrig = fromFirstSender !== this.flipped;

    // TCPAnalyzer::ValidateChecksum: only checked when the whole segment was captured.
    if (checksumOk === false && view.payloadCaptured >= view.payloadLength) {
      const endpoint = isOrig ? this.orig : this.resp;
      this.hist.scaled(isOrig ? 'C' : 'c', endpoint.checksumErrors);
      return;
    }
    this.process(isOrig, view, tsMicros);
  }

  /** IPBasedAnalyzer/TCPAnalyzer WantConnection: guess the true responder from the ports. */
  private wantsFlip(flags: number, sport: number, dport: number): boolean {
    const syn = (flags & TcpFlag.SYN) !== 0;
    if (syn && (flags & TcpFlag.ACK) === 0) return false; // a plain SYN: its sender originates
    if (!this.likelyServerPorts.has(sport)) return false;
    // Both plausible: flip only if not a SYN-ACK (stealth scans) and towards the higher port.
    if (this.likelyServerPorts.has(dport)) return !syn && sport < dport;
    return true;
  }

  /** Connection::FlipRoles + TCPSessionAdapter::FlipRoles. */
  private flip(): void {
    const t = this.orig;
    this.orig = this.resp;
    this.resp = t;
    this.orig.isOrig = true;
    this.resp.isOrig = false;
    this.firstPacketSeen =
      (this.firstPacketSeen & ORIG_SEEN ? RESP_SEEN : 0) | (this.firstPacketSeen & RESP_SEEN ? ORIG_SEEN : 0);
    this.isPartial = false;
    this.flipped = !this.flipped;
    this.hist.flip();
  }

  private setState(endpoint: ZeekEndpoint, state: EndpointStateValue): void {
    // Leaving the handshake switches from the UDP-like timeout to tcp_inactivity_timeout.
    if (endpoint.setState(state)) this.inactivityTimeout = ZeekDefaults.inactivity;
  }

  /** TCPSessionAdapter::Process. */
  private process(isOrig: boolean, view: PacketView, t: number): void {
    const endpoint = isOrig ? this.orig : this.resp;
    const peer = endpoint.peer;
    const flags = view.flags;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const ack = (flags & TcpFlag.ACK) !== 0;
    const len = view.payloadLength;
    const baseSeq = view.seq >>> 0;
    const ackSeq = view.ack >>> 0;

    this.setPartialStatus(syn, ack, isOrig);

    // get_segment_len: SYN and FIN take one octet each; a RST's payload is not stream data.
    const segLen = (rst ? 0 : len) + (syn ? 1 : 0) + (fin ? 1 : 0);
    const seqOnePast = seqPlus(baseSeq, segLen);
    this.initEndpoint(endpoint, syn, baseSeq, seqOnePast);

    const relSeq = this.relativeSeq(endpoint, baseSeq, endpoint.lastSeq, endpoint.seqWraps);
    const seqUnderflow = this.underflow;

    this.updateHistory(flags, endpoint, relSeq, len);

    // update_window: zero windows matter unless they come with/after a RST or after the peer's FIN.
    if (
      view.window === 0 &&
      !rst &&
      peer.state !== EndpointState.closed &&
      endpoint.state !== EndpointState.reset
    ) {
      this.hist.scaled(endpoint.isOrig ? 'W' : 'w', endpoint.zeroWindows);
    }

    if (!this.orig.didClose || !this.resp.didClose) this.lastTime = t;

    if (fin) {
      ++endpoint.finCount;
      const finSeq = relSeq + segLen;
      endpoint.finSeq = finSeq < 0 ? Number.POSITIVE_INFINITY : finSeq; // uint64 in Zeek
    }
    if (rst) ++endpoint.rstCount;

    let relAck = 0;
    if (ack) {
      if (peer.state === EndpointState.inactive) {
        relAck = 1;
        // init_peer: number the peer's bytes as if its SYN had been seen.
        const isn = seqPlus(ackSeq, -1);
        peer.initStartSeq(isn);
        peer.ackSeq = isn;
        peer.lastSeq = isn;
      } else {
        const rel = this.relativeSeq(peer, ackSeq, peer.ackSeq, peer.ackWraps);
        if (this.underflow) relAck = 0;
        else {
          relAck = rel;
          // update_ack_seq; acks in RSTs are not trusted.
          if (!rst) {
            const deltaAck = seqDelta(ackSeq, peer.ackSeq);
            if (!(ackSeq === 0 && deltaAck > TOO_LARGE_SEQ_DELTA) && deltaAck > 0) peer.updateAckSeq(ackSeq);
          }
        }
      }
    }

    this.updateLastSeq(endpoint, seqOnePast, syn, fin, rst, len);
    endpoint.lastTime = t;

    this.doClose = false;
    this.genEvent = false;
    this.updateStateMachine(t, endpoint, peer, baseSeq, len, isOrig, flags);
    const doClose = this.doClose;
    const genEvent = this.genEvent;

    // After the state machine, so gaps revealed by a FIN's or RST's ack are judged accordingly.
    if (ack) this.ackReceived(peer, relAck);

    // CheckPIA_FirstPacket records that this direction's first packet was seen.
    this.firstPacketSeen |= isOrig ? ORIG_SEEN : RESP_SEEN;

    if (len > 0 && !rst && !seqUnderflow && view.payloadCaptured >= len) {
      const relDataSeq = syn ? relSeq + 1 : relSeq;
      const acked = endpoint.toRelative(endpoint.ackSeq, endpoint.ackWraps);
      endpoint.contents.dataSent(relDataSeq, len, acked, endpoint.noDataAcked(), endpoint.size());
    }
    this.checkEof(endpoint);

    if (doClose) this.connectionClosed(endpoint, peer, genEvent);
  }

  /** SetPartialStatus: a direction whose first packet is not a clean SYN makes the connection partial. */
  private setPartialStatus(syn: boolean, ack: boolean, isOrig: boolean): void {
    if (isOrig) {
      if ((this.firstPacketSeen & ORIG_SEEN) === 0) this.isPartial = !syn || ack;
    } else if ((this.firstPacketSeen & RESP_SEEN) === 0 && !this.isPartial) {
      this.isPartial = !syn;
    }
  }

  /** init_endpoint: (re)initialise the sequence space from the first packet or a new SYN. */
  private initEndpoint(endpoint: ZeekEndpoint, syn: boolean, firstSeq: number, lastSeq: number): void {
    switch (endpoint.state) {
      case EndpointState.inactive:
        if (syn) {
          endpoint.ackSeq = firstSeq;
          endpoint.initStartSeq(firstSeq);
        } else {
          // Partial connection: pretend a SYN took the octet before the first one seen.
          const isn = seqPlus(firstSeq, -1);
          endpoint.ackSeq = isn;
          endpoint.initStartSeq(isn);
          lastSeq = firstSeq;
        }
        endpoint.lastSeq = lastSeq;
        break;
      case EndpointState.synSent:
      case EndpointState.synAckSent:
        if (syn && firstSeq !== endpoint.startSeq) this.restartSeq(endpoint, firstSeq, lastSeq); // SYN_seq_jump
        break;
      case EndpointState.established:
      case EndpointState.partial:
        if (syn) this.restartSeq(endpoint, firstSeq, lastSeq); // guess: this SYN really sets it up
        break;
      case EndpointState.reset:
        // Numbers initialised by a (possibly injected) RST are replaced by a later SYN's.
        if (syn && endpoint.prevState === EndpointState.inactive)
          this.restartSeq(endpoint, firstSeq, lastSeq);
        break;
      default:
        break;
    }
  }

  private restartSeq(endpoint: ZeekEndpoint, firstSeq: number, lastSeq: number): void {
    endpoint.initStartSeq(firstSeq);
    endpoint.ackSeq = firstSeq;
    endpoint.lastSeq = lastSeq;
  }

  /** get_relative_seq; sets `this.underflow` when the number lies before the endpoint's ISN. */
  private relativeSeq(endpoint: ZeekEndpoint, cur: number, last: number, wraps: number): number {
    this.underflow = false;
    const delta = seqDelta(cur, last);
    if (delta < 0) {
      if (wraps > 0 && cur > last) --wraps; // part of the previous 32-bit space
    } else if (delta > 0) {
      if (cur < last) ++wraps; // the space wrapped
    }
    if (wraps === 0) {
      const rel = seqDelta(cur, endpoint.startSeq);
      if (rel < 0) this.underflow = true;
      return rel;
    }
    return endpoint.toRelative(cur, wraps);
  }

  /** update_history: the letters for flags, data and pure ACKs. */
  private updateHistory(flags: number, endpoint: ZeekEndpoint, relSeq: number, len: number): void {
    const h = this.hist;
    const o = endpoint.isOrig;
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits > 1) {
      if (fin && rst) h.check(o, HistMask.finRst, 'I');
      else h.check(o, HistMask.multiFlag, 'Q');
    } else if (bits === 1) {
      if (syn) {
        const code = (flags & TcpFlag.ACK) !== 0 ? 'H' : 'S';
        if (h.check(o, HistMask.syn, code) && relSeq !== endpoint.histLastSyn) h.add(o, code);
        endpoint.histLastSyn = relSeq;
      }
      if (fin) {
        // A FIN's sequence number counts at the end of its data.
        if (h.check(o, HistMask.fin, 'F') && relSeq + len !== endpoint.histLastFin) h.add(o, 'F');
        endpoint.histLastFin = relSeq + len;
      }
      if (rst) {
        if (h.check(o, HistMask.rst, 'R') && relSeq !== endpoint.histLastRst) h.add(o, 'R');
        endpoint.histLastRst = relSeq;
      }
    } else if (len > 0) {
      h.check(o, HistMask.data, 'D');
    } else if ((flags & TcpFlag.ACK) !== 0) {
      h.check(o, HistMask.ack, 'A');
    }
  }

  /** update_last_seq: advance the highest sequence number, or count a retransmission. Returns the delta. */
  private updateLastSeq(
    endpoint: ZeekEndpoint,
    lastSeq: number,
    syn: boolean,
    fin: boolean,
    rst: boolean,
    len: number,
  ): number {
    const deltaLast = seqDelta(lastSeq, endpoint.lastSeq);
    if ((syn || rst) && (deltaLast > TOO_LARGE_SEQ_DELTA || deltaLast < -TOO_LARGE_SEQ_DELTA)) {
      // Outlandish SYN/RST numbers are not trusted.
    } else if (fin && endpoint.lastSeq === seqPlus(endpoint.startSeq, 1)) {
      // Only SYN and FIN seen (possibly a > 2 GB connection): trust the FIN.
      endpoint.updateLastSeq(lastSeq);
    } else if (endpoint.state === EndpointState.reset) {
      // Nothing after our own RST is trusted.
    } else if (deltaLast > 0) {
      endpoint.updateLastSeq(lastSeq);
    } else if (len > 0) {
      this.hist.scaled(endpoint.isOrig ? 'T' : 't', endpoint.retransmissions); // DidRxmit
    }
    return deltaLast;
  }

  /** UpdateStateMachine: dispatch on the sending endpoint's state. */
  private updateStateMachine(
    t: number,
    endpoint: ZeekEndpoint,
    peer: ZeekEndpoint,
    baseSeq: number,
    len: number,
    isOrig: boolean,
    flags: number,
  ): void {
    // (Zeek also passes the ack and last-seq delta, used there only for weirds.)
    const syn = (flags & TcpFlag.SYN) !== 0;
    const fin = (flags & TcpFlag.FIN) !== 0;
    const rst = (flags & TcpFlag.RST) !== 0;
    const ack = (flags & TcpFlag.ACK) !== 0;
    switch (endpoint.state) {
      case EndpointState.inactive:
        this.updateInactive(t, endpoint, peer, baseSeq, len, isOrig, syn, fin, rst, ack);
        break;
      case EndpointState.synSent:
      case EndpointState.synAckSent:
        if (fin) {
          this.setState(endpoint, EndpointState.closed);
          this.doClose = this.genEvent = true;
        }
        if (rst) {
          this.setState(endpoint, EndpointState.reset);
          this.isActive = false; // ConnectionReset
          this.doClose = true;
        }
        break;
      case EndpointState.established:
      case EndpointState.partial:
        if (
          syn &&
          endpoint.state === EndpointState.partial &&
          peer.state === EndpointState.inactive &&
          !ack
        ) {
          this.setState(endpoint, EndpointState.synSent); // SYN_after_partial
        }
        if (fin && !rst) {
          this.setState(endpoint, EndpointState.closed);
          // The peer's FIN followed by its RST was a normal termination after all.
          if (peer.state === EndpointState.reset && peer.prevState === EndpointState.closed) {
            this.setState(peer, EndpointState.closed);
          }
          this.doClose = this.genEvent = true;
        }
        if (rst) {
          this.setState(endpoint, EndpointState.reset);
          this.doClose = true;
          if (peer.state !== EndpointState.reset || peer.prevState !== EndpointState.established) {
            this.isActive = false; // ConnectionReset
          }
        }
        break;
      case EndpointState.closed:
        // After a FIN exchange from both sides a RST changes nothing.
        if (rst && peer.state !== EndpointState.closed) {
          this.setState(endpoint, EndpointState.reset);
          if (!endpoint.didClose) this.doClose = true; // RST after FIN
        }
        break;
      default:
        break; // RESET: nothing changes any more
    }
  }

  /** UpdateInactiveState: the first packet from this side. */
  private updateInactive(
    t: number,
    endpoint: ZeekEndpoint,
    peer: ZeekEndpoint,
    baseSeq: number,
    len: number,
    isOrig: boolean,
    syn: boolean,
    fin: boolean,
    rst: boolean,
    ack: boolean,
  ): void {
    if (syn) {
      if (isOrig) {
        this.setState(endpoint, ack ? EndpointState.synAckSent : EndpointState.synSent);
        this.addTimer(Timer.attempt, t + ZeekDefaults.attemptDelay);
      } else {
        if (!ack && peer.state === EndpointState.synAckSent && baseSeq === endpoint.startSeq) {
          // SYN and SYN-ACK captured in reverse order: flip the roles and establish.
          this.isPartial = false;
          this.flip();
          this.setState(peer, EndpointState.established);
          this.firstPacketSeen |= ORIG_SEEN;
        }
        if (peer.state === EndpointState.synSent) this.setState(peer, EndpointState.established);
        this.setState(endpoint, EndpointState.established);
      }
    }
    if (fin) {
      this.setState(endpoint, EndpointState.closed);
      this.doClose = this.genEvent = true;
    }
    if (rst) {
      this.setState(endpoint, EndpointState.reset);
      // A reset answering a SYN (or a reverse scan's SYN-ACK) is a rejection: no finish event.
      const isReject = isOrig
        ? peer.state === EndpointState.established
        : peer.state === EndpointState.synSent || peer.state === EndpointState.synAckSent;
      this.doClose = true;
      this.genEvent = !isReject;
    }
    if (endpoint.state === EndpointState.inactive) {
      if (!isOrig && len === 0 && this.orig.state === EndpointState.synSent) {
        // Some stacks ACK a SYN before answering it: not a partial connection.
      } else if (ack && peer.state === EndpointState.established) {
        // SYN-ACK seen but the SYN missed: establish instead of calling it partial.
        this.setState(endpoint, EndpointState.established);
        this.isPartial = false;
        this.firstPacketSeen |= isOrig ? ORIG_SEEN : RESP_SEEN;
      } else {
        this.setState(endpoint, EndpointState.partial);
      }
    }
  }

  /** TCP_Endpoint::AckReceived: the peer acknowledged `endpoint`'s data up to `relAck`. */
  private ackReceived(endpoint: ZeekEndpoint, relAck: number): void {
    // The FIN's own octet is never data.
    if (endpoint.finCount > 0 && relAck >= endpoint.finSeq) relAck = endpoint.finSeq - 1;
    let gaps = endpoint.contents.ackReceived(relAck, this.isPartial);
    // TCP_Reassembler::Gap: only cleanly established (or cleanly closing) connections count.
    if (gaps > 0 && isClean(endpoint) && isClean(endpoint.peer)) {
      const code = endpoint.isOrig ? 'G' : 'g';
      while (gaps-- > 0) this.hist.scaled(code, endpoint.gaps);
    }
    this.checkEof(endpoint);
  }

  /** TCP_Reassembler::CheckEOF → EndpointEOF: a deferred close completes once data is delivered. */
  private checkEof(endpoint: ZeekEndpoint): void {
    const c = endpoint.contents;
    if (
      !c.didEof &&
      (endpoint.finCount > 0 ||
        endpoint.state === EndpointState.closed ||
        endpoint.state === EndpointState.reset) &&
      !endpoint.dataPending()
    ) {
      c.didEof = true;
      if (this.closeDeferred) {
        this.connectionClosed(endpoint, endpoint.peer, this.deferredGenEvent);
        this.closeDeferred = false;
      }
    }
  }

  /** ConnectionClosed: mark the side closed and arrange the connection's removal. */
  private connectionClosed(endpoint: ZeekEndpoint, peer: ZeekEndpoint, genEvent: boolean): void {
    if (endpoint.dataPending()) {
      this.closeDeferred = true;
      if (!this.deferredGenEvent) this.deferredGenEvent = genEvent;
      return;
    }
    this.closeDeferred = false;
    if (endpoint.didClose) return;
    endpoint.didClose = true;
    const closeComplete =
      endpoint.state === EndpointState.reset || peer.didClose || peer.state === EndpointState.inactive;
    if (closeComplete) {
      if (endpoint.prevState !== EndpointState.inactive || peer.state !== EndpointState.inactive) {
        if (this.deferredGenEvent) {
          genEvent = true;
          this.deferredGenEvent = false;
        }
        if (genEvent) this.isActive = false; // ConnectionFinished
      }
      // CancelTimers, then remove tcp_close_delay after the last activity.
      this.timerAt.length = 0;
      this.timerKind.length = 0;
      this.addTimer(Timer.connDelete, this.lastTime + ZeekDefaults.closeDelay);
    } else if (endpoint.prevState !== EndpointState.inactive) {
      // Look for the other side closing too. (The partial-close timer only runs when a script
      // handles connection_partial_close, which Zeek's default scripts do not.)
      this.addTimer(Timer.expire, this.lastTime + ZeekDefaults.sessionTimer);
    }
  }

  private addTimer(kind: TimerKind, at: number): void {
    this.timerAt.push(at);
    this.timerKind.push(kind);
  }

  private fireTimer(kind: TimerKind, t: number): void {
    const o = this.orig;
    const r = this.resp;
    if (kind === Timer.connDelete) {
      this.removed = true;
      return;
    }
    if (!this.isActive) return;
    if (kind === Timer.attempt) {
      // An unanswered SYN: connection_attempt, and the connection is done.
      if (
        (o.state === EndpointState.synSent || o.state === EndpointState.synAckSent) &&
        r.state === EndpointState.inactive
      ) {
        this.isActive = false;
        this.removed = true;
      }
      return;
    }
    // ExpireTimer
    if (this.lastTime + ZeekDefaults.connectionLinger < t) {
      if (o.didClose || r.didClose) {
        if (
          (o.didClose && r.didClose) ||
          o.state === EndpointState.reset ||
          r.state === EndpointState.reset ||
          o.state === EndpointState.inactive ||
          r.state === EndpointState.inactive
        ) {
          this.isActive = false;
          this.removed = true;
          return;
        }
      }
      if (r.state === EndpointState.inactive && o.state === EndpointState.inactive) {
        this.removed = true;
        return;
      }
    }
    this.addTimer(Timer.expire, t + ZeekDefaults.sessionTimer);
  }
}

/** is_clean (TCP_Reassembler.cc): established, or closed straight from established. */
function isClean(e: ZeekEndpoint): boolean {
  return (
    e.state === EndpointState.established ||
    (e.state === EndpointState.closed && e.prevState === EndpointState.established)
  );
}
