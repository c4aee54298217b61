import type { Connection, EndReason } from './connection.ts';
import type { ConnectionSummary, ZeekColumns } from './connection-summary.ts';
import { endpointLabels } from './connection-summary.ts';
import { Mark } from './marks.ts';
import type { SegmentSends } from './retransmission-log.ts';

/** Counter slots of a piece (see counters()). */
const CLIENT_PACKETS = 0;
const CLIENT_BYTES = 1;
const SERVER_PACKETS = 2;
const SERVER_BYTES = 3;
const RETRANSMISSIONS = 4;
const RESETS = 5;
const FINS = 6;
const COUNTERS = 7;

/** Why a piece ended before its connection did. */
export type PieceCut = 'timer' | 'reuse';

/**
 * A stretch of one tracked connection that Zeek treats as a connection of its own (its session
 * timers removed the connection, or a new SYN reused the 4-tuple, where rstscope's tracker keeps
 * one connection): `rstscope connections --zeek-sessions` prints one row per such piece.
 * rstscope's own columns for the piece are differences of the connection's counters between the
 * piece's first packet and its end, so the per-segment analysis (retransmissions, unique bytes,
 * roles, handshake) still runs over the whole connection and keeps its meaning.
 */
export class ConnectionPiece {
  startTs = 0;
  startFrame = 0;
  lastTs = 0;
  maxTs = 0;
  lastFrame = 0;
  longestIdle = 0;
  maxSegmentRetransmissions = 0;
  /** The connection's counters when the piece started. */
  private readonly base = new Float64Array(COUNTERS);
  /** Counts from an earlier tracked connection this piece began in (a tracker split Zeek did
   *  not make), already in the current connection's client/server orientation. */
  private readonly carried = new Float64Array(COUNTERS);
  private establishedBefore = false;
  /** Retransmissions of each segment within the piece (allocated on the first). */
  private resent: Map<SegmentSends, number> | null = null;
  private carriedHandshakeRtt = -1;

  constructor(c: Connection, ts: number, frame: number) {
    this.startTs = ts;
    this.startFrame = frame;
    this.lastTs = ts;
    this.maxTs = ts;
    this.lastFrame = frame;
    counters(c, this.base);
    this.establishedBefore = c.establishedTs >= 0;
  }

  /** A packet of the piece, before the tracker's bookkeeping. */
  observe(ts: number, frame: number): void {
    const idle = ts - this.lastTs;
    if (idle > this.longestIdle) this.longestIdle = idle;
    this.lastTs = ts;
    if (ts > this.maxTs) this.maxTs = ts;
    this.lastFrame = frame;
  }

  /** The same packet, after the tracker's bookkeeping: retransmissions counted per segment
   *  within the piece (a segment sent again across a Zeek session boundary counts in each). */
  analysed(c: Connection): void {
    if ((c.marks & Mark.RETRANSMISSION) === 0 || c.retransmitted === null) return;
    if (this.resent === null) this.resent = new Map();
    const n = (this.resent.get(c.retransmitted) ?? 0) + 1;
    this.resent.set(c.retransmitted, n);
    if (n > this.maxSegmentRetransmissions) this.maxSegmentRetransmissions = n;
  }

  /**
   * The piece continues in `next`, the tracked connection that replaced `previous` on the same
   * 4-tuple: keep what it counted so far (swapping sides when the new connection's client is the
   * old one's server) and count `next` from zero.
   */
  carryInto(previous: Connection, next: Connection): void {
    const now = new Float64Array(COUNTERS);
    counters(previous, now);
    for (let i = 0; i < COUNTERS; i++) now[i] = now[i] - this.base[i] + this.carried[i];
    const same =
      previous.client.port === next.client.port &&
      previous.client.w0 === next.client.w0 &&
      previous.client.w1 === next.client.w1 &&
      previous.client.w2 === next.client.w2 &&
      previous.client.w3 === next.client.w3;
    if (!same) {
      swap(now, CLIENT_PACKETS, SERVER_PACKETS);
      swap(now, CLIENT_BYTES, SERVER_BYTES);
    }
    this.carried.set(now);
    this.base.fill(0);
    if (!this.establishedBefore && previous.establishedTs >= 0)
      this.carriedHandshakeRtt = previous.handshakeRtt;
    this.establishedBefore = false;
  }

  /** How the piece ended: what it saw itself, else why it was cut (`end`: its connection ended). */
  endReason(c: Connection, cut: PieceCut | 'end'): EndReason {
    const now = new Float64Array(COUNTERS);
    counters(c, now);
    const delta = (i: number) => now[i] - this.base[i] + this.carried[i];
    if (delta(RESETS) > 0) return 'rst';
    if (delta(FINS) > 0 && c.state === 'closed') return 'fin';
    if (cut === 'end') return c.endReason;
    if (c.state === 'syn-sent') return 'unanswered';
    return cut === 'timer' ? 'timeout' : 'superseded';
  }

  summary(c: Connection, zeek: ZeekColumns | null, endReason: EndReason, session: number): ConnectionSummary {
    const now = new Float64Array(COUNTERS);
    counters(c, now);
    const delta = (i: number) => now[i] - this.base[i] + this.carried[i];
    const { client, server } = endpointLabels(c);
    const handshakeRtt =
      this.carriedHandshakeRtt >= 0
        ? this.carriedHandshakeRtt
        : !this.establishedBefore && c.establishedTs >= 0
          ? c.handshakeRtt
          : -1;
    return {
      capture: c.capture,
      id: c.id,
      session,
      startTs: this.startTs,
      startFrame: this.startFrame,
      lastFrame: this.lastFrame,
      duration: this.maxTs - this.startTs,
      client,
      server,
      roleSource: c.roleSource,
      endReason,
      clientPackets: delta(CLIENT_PACKETS),
      clientBytes: delta(CLIENT_BYTES),
      serverPackets: delta(SERVER_PACKETS),
      serverBytes: delta(SERVER_BYTES),
      retransmissions: delta(RETRANSMISSIONS),
      maxSegmentRetransmissions: this.maxSegmentRetransmissions,
      handshakeRtt,
      longestIdle: this.longestIdle,
      resets: delta(RESETS),
      zeek,
      service: null,
    };
  }
}

function counters(c: Connection, out: Float64Array): void {
  out[CLIENT_PACKETS] = c.client.packets;
  out[CLIENT_BYTES] = c.client.uniqueBytes;
  out[SERVER_PACKETS] = c.server.packets;
  out[SERVER_BYTES] = c.server.uniqueBytes;
  out[RETRANSMISSIONS] = c.client.retransmissions + c.server.retransmissions;
  out[RESETS] = c.client.rstCount + c.server.rstCount;
  out[FINS] = c.client.finCount + c.server.finCount;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
