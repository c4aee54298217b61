/**
 * One side of a connection as Zeek's TCP_Endpoint sees it: state, the sequence bookkeeping that
 * decides retransmissions and sizes, the counters of the scaled history letters, and the
 * reassembly state that decides content gaps.
 */
import { ContentGaps } from './content-gaps.ts';
import { EndpointState, type EndpointStateValue, isHandshakeState } from './endpoint-state.ts';
import { ScaledCounter } from './history.ts';
import { fullSeq, TWO_32 } from './seq32.ts';

export class ZeekEndpoint {
  state: EndpointStateValue = EndpointState.inactive;
  prevState: EndpointStateValue = EndpointState.inactive;
  isOrig: boolean;
  peer!: ZeekEndpoint;

  /** Initial sequence number (or ISN-1 faked for a partial connection), unsigned 32 bits. */
  startSeq = 0;
  /** One past the highest sequence number sent, and the highest ack received for our data. */
  lastSeq = 0;
  ackSeq = 0;
  seqWraps = 0;
  ackWraps = 0;

  finCount = 0;
  rstCount = 0;
  /** Relative sequence number one past our FIN. */
  finSeq = 0;
  /** Zeek has reported this side as closed (did_close). */
  didClose = false;
  /** Time of our last packet, µs (0: nothing yet). */
  lastTime = 0;

  /** Relative sequence numbers of the last SYN/FIN/RST, to repeat letters only for new ones. */
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;

  readonly checksumErrors = new ScaledCounter();
  readonly retransmissions = new ScaledCounter();
  readonly zeroWindows = new ScaledCounter();
  readonly gaps = new ScaledCounter();

  readonly contents = new ContentGaps();

  constructor(isOrig: boolean) {
    this.isOrig = isOrig;
  }

  /** SetState; returns true when this transition ends the handshake phase of the connection. */
  setState(next: EndpointStateValue): boolean {
    if (next === this.state) return false;
    const endsHandshake =
      !isHandshakeState(next) && isHandshakeState(this.state) && isHandshakeState(this.peer.state);
    this.prevState = this.state;
    this.state = next;
    return endsHandshake;
  }

  initStartSeq(seq: number): void {
    this.startSeq = seq >>> 0;
  }

  updateLastSeq(seq: number): void {
    if (seq < this.lastSeq) ++this.seqWraps;
    this.lastSeq = seq;
  }

  updateAckSeq(seq: number): void {
    if (seq < this.ackSeq) ++this.ackWraps;
    this.ackSeq = seq;
  }

  /** Sequence number relative to the ISN in the wrap-aware 64-bit space (ToRelativeSeqSpace). */
  toRelative(seq: number, wraps: number): number {
    return fullSeq(seq, wraps) - this.startSeq;
  }

  /** None of our data was acknowledged (one octet allowed for the SYN). */
  noDataAcked(): boolean {
    const ack = fullSeq(this.ackSeq, this.ackWraps);
    return ack === this.startSeq || ack === this.startSeq + 1;
  }

  /** Bytes sent, as Zeek computes orig_bytes/resp_bytes (TCP_Endpoint::Size). */
  size(): number {
    if (
      this.prevState === EndpointState.synSent &&
      this.state === EndpointState.reset &&
      this.peer.state === EndpointState.inactive &&
      !this.noDataAcked()
    ) {
      // A half-open connection discovered and aborted: its numbers say nothing about data.
      return 0;
    }
    const last = fullSeq(this.lastSeq, this.seqWraps);
    const ack = fullSeq(this.ackSeq, this.ackWraps);
    let size = Math.max(last, ack) - this.startSeq;
    if (size < 0) size += TWO_32 * TWO_32; // uint64 wrap-around, as Zeek would print it
    if (size !== 0) --size; // the SYN octet
    if (this.finCount > 0 && size !== 0) --size; // the FIN octet
    return size;
  }

  /** Whether a closing endpoint still waits for data to be delivered (TCP_Reassembler::DataPending). */
  dataPending(): boolean {
    const c = this.contents;
    if (c.skipDeliveries) return false;
    const delivered = this.startSeq + c.lastReassemSeq;
    const last = fullSeq(this.lastSeq, this.seqWraps);
    if (last < delivered) return false;
    if (delivered !== last - 1 && delivered !== last) return true;
    return this.state !== EndpointState.reset && this.peer.contents.hasUndeliveredData();
  }

  isActive(): boolean {
    return this.state !== EndpointState.inactive && !this.didClose;
  }
}
