import type { CaptureRecord } from '../capture/record.ts';
import type { PacketView } from '../decode/packet-view.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { EndReason } from './connection.ts';
import { Connection } from './connection.ts';
import { flowHash } from './flow-key.ts';
import { FlowTable } from './flow-table.ts';
import { recordReset } from './reset-capture.ts';
import type { ResetRecord } from './reset-record.ts';
import type { SegmentSends } from './retransmission-log.ts';
import { destinationIsServer, inferredRoleSource } from './roles.ts';
import { analyseSegment, noteResetAck } from './segment-analysis.ts';

/** What the tracker tells the layers above. All optional; an absent hook costs nothing. */
export interface TrackerListener {
  /** A new connection (when it replaces one on the same 4-tuple, before that one's `ended`). */
  opened?(c: Connection): void;
  established?(c: Connection): void;
  reset?(c: Connection, r: ResetRecord): void;
  /**
   * The tracker gave up on a handshake: the connection ended (idle beyond the handshake timeout,
   * or the capture ended) with only the client's SYN(s) seen. Called just before `ended`.
   */
  synUnanswered?(c: Connection): void;
  /**
   * A retransmission episode is over: one segment was sent `s.sends` times (original included)
   * and then acknowledged, evicted from the bounded log, or left unacknowledged when the
   * connection ended. Once per episode; `s.times`/`s.frames` hold the sends that were seen.
   */
  retransmission?(c: Connection, s: SegmentSends): void;
  /**
   * The connection left the table (ended, timed out, evicted, or the capture ended). Its packet
   * logs are recycled right after this returns, and with `recycle` the connection object too:
   * to keep reading it, call c.keep() here (and c.release() when done); c.detachLogs() keeps
   * just the logs (without `recycle`).
   */
  ended?(c: Connection): void;
}

/** Per-connection add-on fed every packet (e.g. Zeek's conn_state bookkeeping). */
export interface ConnectionExtension {
  /**
   * Called once when the connection is created. `predecessor` is the connection that carried the
   * same 4-tuple until this packet's SYN replaced it (port reuse), else null.
   */
  create(c: Connection, view: PacketView, record: CaptureRecord, predecessor: Connection | null): unknown;
  /** Called for every packet of the connection before the tracker's own bookkeeping (optional). */
  before?(c: Connection, view: PacketView, record: CaptureRecord, fromClient: boolean): void;
  /** Called for every packet of the connection, after the tracker's own bookkeeping. */
  packet(c: Connection, view: PacketView, record: CaptureRecord, fromClient: boolean): void;
}

export interface TrackerOptions {
  /** Idle time (µs) after which an established or partial connection is considered gone. */
  idleTimeout?: number;
  /** Idle time (µs) for a connection still in its handshake. */
  handshakeTimeout?: number;
  /** How long (µs) an ended connection stays in the table for late packets (retransmitted FINs,
   *  a reset answering data after close). */
  endedLinger?: number;
  /** Upper bound on live connections; the least recently active is evicted beyond it. */
  maxConnections?: number;
  extension?: ConnectionExtension;
  /**
   * Hand the objects of ended connections to new ones (Connection.obtain/release). Only for
   * listeners that read a connection in `ended` and then let go of it (or keep() it).
   */
  recycle?: boolean;
}

const SECOND = 1_000_000;

/**
 * Default idle timeout: 3 h. It must exceed the default keep-alive schedules, or a connection
 * idle until its first probe is cut in two and its keep-alive reset loses its context: Linux
 * waits tcp_keepalive_time = 7200 s, then probes every 75 s, 9 times (7875 s before it resets);
 * Windows KeepAliveTime 2 h then 10 probes 1 s apart; macOS 2 h then 8 × 75 s. The longest
 * silence in those schedules is the first 7200 s; 3 h leaves an hour of margin. Memory stays
 * bounded by maxConnections (least recently active evicted first).
 */
export const DEFAULT_IDLE_TIMEOUT = 3 * 3600 * SECOND;

export class Tracker {
  readonly capture: number;
  private readonly table = new FlowTable();
  private readonly listener: TrackerListener;
  private readonly idleTimeout: number;
  private readonly handshakeTimeout: number;
  private readonly endedLinger: number;
  private readonly maxConnections: number;
  private readonly extension: ConnectionExtension | null;
  private readonly recycle: boolean;
  private readonly announceEpisode: ((c: Connection, s: SegmentSends) => void) | null;
  private nextId: number;
  /**
   * The newest capture time so far (µs): a monotonic clock. Eviction measures idleness on it,
   * so timestamps that step backwards (merged or carved captures, a clock reset) never make a
   * connection that just saw a packet look idle.
   */
  get now(): number {
    return this.clock[0];
  }

  /** now, unboxed (a float64 stored in a field allocates a heap number per store: see Endpoint.d). */
  private readonly clock: number[] = [0];
  connectionsCreated = 0;
  tcpPackets = 0;

  constructor(capture: number, listener: TrackerListener = {}, options: TrackerOptions = {}, firstId = 1) {
    this.capture = capture;
    this.listener = listener;
    this.idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    this.handshakeTimeout = options.handshakeTimeout ?? 300 * SECOND;
    this.endedLinger = options.endedLinger ?? 30 * SECOND;
    this.maxConnections = options.maxConnections ?? 1_000_000;
    this.extension = options.extension ?? null;
    this.recycle = options.recycle ?? false;
    this.announceEpisode = listener.retransmission?.bind(listener) ?? null;
    this.nextId = firstId;
  }

  get liveConnections(): number {
    return this.table.size;
  }

  /** The id the next new connection will get (lets several trackers share one numbering). */
  get nextConnectionId(): number {
    return this.nextId;
  }

  /** Feed one decoded frame whose view.status is 'tcp'. Returns its connection. */
  packet(record: CaptureRecord, view: PacketView): Connection {
    const ts = record.tsMicros;
    if (ts > this.clock[0]) this.clock[0] = ts;
    this.tcpPackets++;
    this.evictIdle();

    const hash = flowHash(view);
    let c = this.table.find(view, hash);
    let fromClient = false;
    let predecessor: Connection | null = null;
    if (c !== null) {
      fromClient = view.sport === c.client.port && c.client.hasAddress(view.src);
      if ((view.flags & TcpFlag.SYN) !== 0 && this.startsNewConnection(c, view, fromClient)) {
        predecessor = c;
        c = null;
      }
    }
    if (c === null) {
      c = this.create(record, view, hash, predecessor);
      fromClient = view.sport === c.client.port && c.client.hasAddress(view.src);
      // Ended after its successor exists, so an add-on can hand state over to it first.
      if (predecessor !== null) {
        const p = predecessor;
        this.end(p, p.state === 'reset' || p.state === 'closed' ? endReasonOf(p) : 'superseded');
      }
    } else {
      this.table.touch(c);
    }
    c.activityTs = this.now;

    const ext = this.extension;
    if (ext?.before !== undefined) ext.before(c, view, record, fromClient);
    this.update(c, record, view, fromClient);
    if (ext !== null) ext.packet(c, view, record, fromClient);
    if (this.announceEpisode !== null) {
      const log = c.retransmissions;
      if (log !== null && log.finishedPending > 0) log.announce(c, this.announceEpisode, false);
    }
    if (this.table.size > this.maxConnections && this.table.open.head !== null) {
      this.end(this.table.open.head, 'timeout');
    }
    return c;
  }

  /** End of input: every connection still in the table ends now. */
  finish(): void {
    for (const list of [this.table.ended, this.table.open]) {
      while (list.head !== null) this.end(list.head, endReasonOf(list.head, true));
    }
  }

  private create(
    record: CaptureRecord,
    view: PacketView,
    hash: number,
    predecessor: Connection | null,
  ): Connection {
    const c = this.recycle
      ? Connection.obtain(this.nextId++, this.capture)
      : new Connection(this.nextId++, this.capture);
    c.recyclable = this.recycle;
    this.connectionsCreated++;
    const syn = (view.flags & TcpFlag.SYN) !== 0;
    const ack = (view.flags & TcpFlag.ACK) !== 0;
    let srcIsClient: boolean;
    if (syn && !ack) {
      srcIsClient = true;
      c.roleSource = 'syn';
      c.state = 'syn-sent';
    } else if (syn && ack) {
      srcIsClient = false;
      c.roleSource = 'syn-ack';
      c.state = 'syn-received';
    } else {
      srcIsClient = destinationIsServer(view.sport, view.dport);
      c.roleSource = inferredRoleSource(view.sport, view.dport);
      c.state = 'partial';
    }
    const cl = c.client;
    const sv = c.server;
    cl.ipVersion = sv.ipVersion = view.ipVersion === 6 ? 6 : 4;
    if (srcIsClient) {
      cl.setAddress(view.src);
      cl.port = view.sport;
      sv.setAddress(view.dst);
      sv.port = view.dport;
    } else {
      cl.setAddress(view.dst);
      cl.port = view.dport;
      sv.setAddress(view.src);
      sv.port = view.sport;
    }
    const ts = record.tsMicros;
    c.startTs = ts;
    c.startFrame = record.frame;
    c.lastTs = ts;
    c.maxTs = ts;
    c.lastNonResetTs = ts;
    if (this.extension !== null) c.extension = this.extension.create(c, view, record, predecessor);
    this.table.insert(c, hash);
    this.listener.opened?.(c);
    return c;
  }

  /**
   * A SYN that cannot belong to the connection in the table starts a new one on the same 4-tuple
   * (port reuse): a SYN with a different initial sequence number, or any SYN once the old
   * connection has ended. A SYN repeating the known ISN is a retransmission (also after a RST: a
   * refused client retrying with the same ISN, as Wireshark counts it).
   */
  private startsNewConnection(c: Connection, view: PacketView, fromClient: boolean): boolean {
    const f = view.flags;
    if ((f & TcpFlag.SYN) === 0 || (f & (TcpFlag.RST | TcpFlag.FIN)) !== 0) return false;
    const ep = c.endpoint(fromClient);
    if ((f & TcpFlag.ACK) === 0) {
      // A bare SYN: the opening of a connection.
      if (!fromClient) return true; // the former server now opens: a new connection, roles reversed
      if (ep.isn >= 0) return view.seq !== ep.isn;
      if (c.roleSource === 'syn-ack' && c.server.isn >= 0) {
        // We saw only the SYN-ACK; a SYN whose ISN it acknowledges is the retransmitted original.
        return (view.seq + 1) >>> 0 !== c.server.highestAck || !c.server.ackKnown;
      }
      return true; // the tuple carried traffic without a SYN (mid-stream capture); this SYN opens a new one
    }
    // SYN-ACK: new only if the old connection is over and this answers a different SYN.
    if (c.state === 'reset' || c.state === 'closed') {
      return ep.isn >= 0 && view.seq !== ep.isn;
    }
    return false;
  }

  private update(c: Connection, record: CaptureRecord, view: PacketView, fromClient: boolean): void {
    const ts = record.tsMicros;
    const frame = record.frame;
    // Time since the connection's previous packet; a timestamp that stepped back gives no gap
    // rather than a negative one.
    const idle = ts > c.lastTs ? ts - c.lastTs : 0;
    if (idle > c.longestIdle) {
      c.longestIdle = idle;
      c.longestIdleFrame = frame;
    }
    const ep = c.endpoint(fromClient);
    ep.packets++;
    ep.wireBytes += record.originalLength;
    ep.payloadBytes += view.payloadLength;
    if (ep.packets === 1) ep.firstTs = ts;
    ep.lastTs = ts;
    // Habits are learned from ordinary packets only: a reset is what gets compared against them.
    if ((view.flags & TcpFlag.RST) === 0)
      ep.observeHabits(view.ttl, view.ipId, view.hasTimestamp, view.tsVal);
    c.packets++;

    // Packets after a reset are the strongest origin evidence (a "sender" still talking after its
    // own reset did not send it): keep the first few after each of the latest resets.
    if (c.resets !== null) {
      const from = Math.max(0, c.resets.length - 4);
      for (let i = from; i < c.resets.length; i++) {
        const r = c.resets[i];
        if (r.frame !== frame && r.wantsMore) r.follow(view, record, fromClient);
      }
    }

    const wasEstablished = c.state === 'established';
    if ((view.flags & TcpFlag.RST) !== 0) {
      c.marks = 0;
      c.log.add(view, record, fromClient);
      const r = recordReset(c, view, record, fromClient, idle);
      if (c.state !== 'reset') {
        c.stateBeforeReset = c.state;
        c.state = 'reset';
      }
      ep.rstCount++;
      if (ep.rstCount === 1) ep.firstRstFrame = frame;
      noteResetAck(ep, view, record);
      this.table.markEnded(c);
      if (r !== null) this.listener.reset?.(c, r);
    } else {
      c.log.add(view, record, fromClient);
      analyseSegment(c, view, record, fromClient);
      c.lastNonResetTs = ts;
      if (c.state === 'closed') this.table.markEnded(c);
    }
    c.lastTs = ts;
    if (ts > c.maxTs) c.maxTs = ts;
    c.lastFrame = frame;
    if (!wasEstablished && c.state === 'established') this.listener.established?.(c);
  }

  /** Both activity lists are ordered by activityTs (the monotonic clock), oldest first. */
  private evictIdle(): void {
    const now = this.now;
    const ended = this.table.ended;
    while (ended.head !== null && now - ended.head.activityTs > this.endedLinger) {
      this.end(ended.head, endReasonOf(ended.head));
    }
    const open = this.table.open;
    while (open.head !== null) {
      const h = open.head;
      const limit =
        h.state === 'syn-sent' || h.state === 'syn-received' ? this.handshakeTimeout : this.idleTimeout;
      if (now - h.activityTs <= limit) break;
      this.end(h, h.state === 'syn-sent' ? 'unanswered' : 'timeout');
    }
  }

  private end(c: Connection, reason: EndReason): void {
    c.endReason = reason;
    this.table.remove(c);
    if (this.announceEpisode !== null && c.retransmissions !== null) {
      c.retransmissions.announce(c, this.announceEpisode, true);
    }
    if (reason === 'unanswered') this.listener.synUnanswered?.(c);
    this.listener.ended?.(c);
    // A listener that keeps the connection called c.keep() (or detached its logs) just now.
    if (!c.kept) c.release();
  }
}

/** How a connection ended, judged from its state (`atEnd`: the capture stopped). */
function endReasonOf(c: Connection, atEnd = false): EndReason {
  switch (c.state) {
    case 'reset':
      return 'rst';
    case 'closed':
      return 'fin';
    case 'syn-sent':
      return 'unanswered';
    default:
      return atEnd ? 'open' : 'timeout';
  }
}
