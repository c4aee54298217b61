import { Endpoint } from './endpoint.ts';
import type { MessageLog } from './message-log.ts';
import { PacketLog } from './packet-log.ts';
import type { ResetSnapshot } from './reset-capture.ts';
import type { RetransmissionLog, SegmentSends } from './retransmission-log.ts';

/** Slots of Connection.n (see there). */
const C_START_TS = 0;
const C_LAST_TS = 1;
const C_MAX_TS = 2;
const C_ACTIVITY_TS = 3;
const C_LAST_NON_RESET_TS = 4;
const C_SYN_TO_SYN_ACK = 5;
const C_SYN_ACK_TO_ACK = 6;
const C_ESTABLISHED_TS = 7;
const C_RTT_MIN = 8;
const C_RTT_MAX = 9;
const C_RTT_SUM = 10;
const C_LONGEST_IDLE = 11;

/** How the client/server roles were decided. Only 'syn' is certain. */
export type RoleSource =
  | 'syn' // the client sent the first SYN
  | 'syn-ack' // only a SYN-ACK was seen: its receiver is the client
  | 'port' // no handshake: the well-known (< 1024), registered service or else lower port is the server
  | 'first-packet'; // both ports equal: the first packet's destination is taken as the server

/** Lifecycle in capture time. */
export type ConnectionState =
  | 'syn-sent' // client SYN seen, no answer yet
  | 'syn-received' // SYN-ACK seen, handshake not completed
  | 'established'
  | 'half-closed' // one side sent FIN
  | 'closed' // both sides sent FIN
  | 'reset' // a RST was seen
  | 'partial'; // traffic without a handshake (capture started mid-connection)

/**
 * fin/rst: closed by the connection itself; timeout: idle beyond the tracker's limit; open: still
 * open when the capture ended; unanswered: only SYNs from the client; superseded: a new connection
 * (new SYN) took over the 4-tuple while this one had not ended.
 */
export type EndReason = 'fin' | 'rst' | 'timeout' | 'open' | 'unanswered' | 'superseded';

/** Connection objects given back (release) for new connections, at most MAX_SPARE. */
const spare: Connection[] = [];
const MAX_SPARE = 65_536;

export class Connection {
  /** Run-wide sequence number, in order of creation. */
  id: number;
  capture: number;
  /** Times and durations (µs) unboxed in an array of doubles, behind accessors: see Endpoint.d. */
  private readonly n: number[] = [0, 0, 0, 0, 0, -1, -1, -1, -1, -1, 0, 0];
  readonly client = new Endpoint();
  readonly server = new Endpoint();
  roleSource: RoleSource = 'syn';
  state: ConnectionState = 'syn-sent';
  /** Set when the connection leaves the flow table. */
  endReason: EndReason = 'open';
  /** The state before the first reset, for cause rules ("reset after FIN", "reset of a SYN"…). */
  stateBeforeReset: ConnectionState | null = null;

  /** Capture time of the first packet (µs). */
  get startTs(): number {
    return this.n[C_START_TS];
  }

  set startTs(v: number) {
    this.n[C_START_TS] = v;
  }

  startFrame = 0;
  /** Capture time of the latest packet in capture order (may be older than startTs when the
   *  capture's clock stepped back); see maxTs for durations. */
  get lastTs(): number {
    return this.n[C_LAST_TS];
  }

  set lastTs(v: number) {
    this.n[C_LAST_TS] = v;
  }

  lastFrame = 0;
  /** Latest capture time seen on this connection (never below startTs): durations use it, so a
   *  clock stepping back never gives a negative one. */
  get maxTs(): number {
    return this.n[C_MAX_TS];
  }

  set maxTs(v: number) {
    this.n[C_MAX_TS] = v;
  }

  /**
   * The tracker's monotonic clock (max of all timestamps so far) at this connection's latest
   * packet: eviction compares against it, so a packet whose timestamp went backwards still counts
   * as fresh activity (it just arrived) instead of making its connection look long idle.
   */
  get activityTs(): number {
    return this.n[C_ACTIVITY_TS];
  }

  set activityTs(v: number) {
    this.n[C_ACTIVITY_TS] = v;
  }

  /** Time of the last packet that was not a reset (resets often close a long silence). */
  get lastNonResetTs(): number {
    return this.n[C_LAST_NON_RESET_TS];
  }

  set lastNonResetTs(v: number) {
    this.n[C_LAST_NON_RESET_TS] = v;
  }

  packets = 0;
  /** Handshake timing at the capture point (µs): SYN→SYN-ACK and SYN-ACK→ACK; -1 unknown. */
  get synToSynAck(): number {
    return this.n[C_SYN_TO_SYN_ACK];
  }

  set synToSynAck(v: number) {
    this.n[C_SYN_TO_SYN_ACK] = v;
  }

  get synAckToAck(): number {
    return this.n[C_SYN_ACK_TO_ACK];
  }

  set synAckToAck(v: number) {
    this.n[C_SYN_ACK_TO_ACK] = v;
  }

  get establishedTs(): number {
    return this.n[C_ESTABLISHED_TS];
  }

  set establishedTs(v: number) {
    this.n[C_ESTABLISHED_TS] = v;
  }

  /** RTT samples (µs) from data segments and the ACK covering them (Karn's rule: none from retransmissions). */
  rttSamples = 0;
  get rttMin(): number {
    return this.n[C_RTT_MIN];
  }

  set rttMin(v: number) {
    this.n[C_RTT_MIN] = v;
  }

  get rttMax(): number {
    return this.n[C_RTT_MAX];
  }

  set rttMax(v: number) {
    this.n[C_RTT_MAX] = v;
  }

  get rttSum(): number {
    return this.n[C_RTT_SUM];
  }

  set rttSum(v: number) {
    this.n[C_RTT_SUM] = v;
  }

  get longestIdle(): number {
    return this.n[C_LONGEST_IDLE];
  }

  set longestIdle(v: number) {
    this.n[C_LONGEST_IDLE] = v;
  }

  /** Frame that ended the longest idle gap. */
  longestIdleFrame = 0;

  readonly log = new PacketLog();
  /** Allocated on the first retransmission. */
  retransmissions: RetransmissionLog | null = null;
  /** Allocated on the first payload. */
  messages: MessageLog | null = null;
  /** One record per RST packet (capped), allocated on the first RST. */
  resets: ResetSnapshot[] | null = null;
  resetsDropped = 0;

  /** Wireshark-style analysis marks of the latest packet (see marks.ts). */
  marks = 0;
  /** The segment the latest packet retransmitted (meaningful only while marks has
   *  Mark.RETRANSMISSION). */
  retransmitted: SegmentSends | null = null;

  /** Hook for per-connection add-ons (e.g. Zeek's conn_state bookkeeping), owned by their module. */
  extension: unknown = null;

  // Intrusive links: flow-table bucket chain and the idle-order list (no allocation to reorder).
  bucketNext: Connection | null = null;
  hash = 0;
  lruPrev: Connection | null = null;
  lruNext: Connection | null = null;
  inTable = false;
  endedListed = false;

  constructor(id: number, capture: number) {
    this.id = id;
    this.capture = capture;
  }

  /**
   * For a connection kept after it ended (the explain layer keeps those with a reset until the end
   * of the capture): its packet logs leave the shared buffer pool so they pin no ended neighbour.
   */
  detachLogs(): void {
    this.log.detach();
    if (this.resets !== null) for (const r of this.resets) r.detach();
  }

  /**
   * For a connection kept a while after it ended (the explain layer keeps those with a reset until
   * it explains them): the tracker neither releases its logs (they stay in their pool blocks) nor
   * recycles it, and the keeper calls release() when done. Cheaper than detachLogs (no copy).
   */
  keep(): void {
    this.kept = true;
  }

  /** Set by keep(): the tracker neither releases the logs nor recycles the connection when it
   *  ends; whoever kept it calls release() when done. */
  kept = false;
  /** Made by a tracker that recycles connections (TrackerOptions.recycle): release() may hand it
   *  to a new connection. */
  recyclable = false;

  /**
   * Done with the connection: its logs go back to the pool, and a recyclable connection object
   * to the spare list for a new connection (nothing may read it after this). The tracker calls
   * this when the connection ends, unless an `ended` listener kept it.
   */
  release(): void {
    this.releaseLogs();
    if (!this.recyclable) return;
    // Once on the spare list, never twice: a second release() must not hand it to two connections.
    this.recyclable = false;
    if (spare.length < MAX_SPARE) spare.push(this);
  }

  /**
   * A connection object for a new connection: a recycled one when there is one, reset to the
   * state of a new one, else a new one. Recycling saves more than the allocation: a connection
   * with its endpoints and log is ~2 KB that lives long enough to be promoted, and the garbage
   * of ended ones grew the heap (fresh pages, each a page fault) until a full collection.
   */
  static obtain(id: number, capture: number): Connection {
    const c = spare.pop();
    if (c === undefined) return new Connection(id, capture);
    c.reset(id, capture);
    return c;
  }

  /** Every field with its initial value (test/tcp/recycle.test.ts checks that none is missing). */
  private reset(id: number, capture: number): void {
    this.id = id;
    this.capture = capture;
    this.roleSource = 'syn';
    this.state = 'syn-sent';
    this.endReason = 'open';
    this.stateBeforeReset = null;
    this.startFrame = 0;
    this.lastFrame = 0;
    this.packets = 0;
    this.rttSamples = 0;
    this.longestIdleFrame = 0;
    this.retransmissions = null;
    this.messages = null;
    this.resets = null;
    this.resetsDropped = 0;
    this.marks = 0;
    this.retransmitted = null;
    this.extension = null;
    this.bucketNext = null;
    this.hash = 0;
    this.lruPrev = null;
    this.lruNext = null;
    this.inTable = false;
    this.endedListed = false;
    this.kept = false;
    this.recyclable = false;
    const n = this.n;
    for (let i = 0; i < N_INITIAL.length; i++) n[i] = N_INITIAL[i];
    this.client.reset();
    this.server.reset();
    this.log.reset();
  }

  /**
   * Gives the logs' pool blocks back for new connections: the tracker does this when the
   * connection leaves the flow table and the `ended` listeners ran, unless they kept it
   * (keep()); detached logs are untouched.
   */
  releaseLogs(): void {
    this.log.release();
    if (this.resets !== null) for (const r of this.resets) r.release();
  }

  /** The handshake RTT seen from the capture point: SYN→SYN-ACK→ACK, µs (−1 when incomplete). */
  get handshakeRtt(): number {
    return this.synToSynAck >= 0 && this.synAckToAck >= 0 ? this.synToSynAck + this.synAckToAck : -1;
  }

  /** From the first packet to the latest capture time seen (µs, ≥ 0). */
  get duration(): number {
    return this.maxTs - this.startTs;
  }

  endpoint(fromClient: boolean): Endpoint {
    return fromClient ? this.client : this.server;
  }
}

/** `n` of a new connection. */
const N_INITIAL: readonly number[] = (new Connection(0, 0) as unknown as { n: number[] }).n.slice();
