import type { Connection, EndReason, RoleSource } from './connection.ts';

/** conn.log's Zeek columns for one connection (or one Zeek session of it). */
export interface ZeekColumns {
  connState: string;
  history: string;
  /** Zeek's originator is our server (Zeek decided roles differently, e.g. '^' flips). */
  originatorIsServer: boolean;
  /** orig_bytes / resp_bytes as Zeek computes them (from sequence numbers). */
  origBytes: number;
  respBytes: number;
}

/**
 * One row of `rstscope connections`: a compact, self-contained copy of what the row shows, made
 * when the connection (or, with --zeek-sessions, one Zeek session of it) ends, so the connection
 * itself — its packet log, reset records and messages — can be let go at once.
 */
export interface ConnectionSummary {
  capture: number;
  /** The connection's id (run-wide, in order of first packet). */
  id: number;
  /** With --zeek-sessions: 1-based index of this Zeek session within the connection; else 0. */
  session: number;
  startTs: number;
  startFrame: number;
  lastFrame: number;
  /** µs, ≥ 0. */
  duration: number;
  /** "ip:port" (IPv6 in brackets). */
  client: string;
  server: string;
  roleSource: RoleSource;
  endReason: EndReason;
  clientPackets: number;
  clientBytes: number;
  serverPackets: number;
  serverBytes: number;
  retransmissions: number;
  /** Most retransmissions of one segment (sends − 1). */
  maxSegmentRetransmissions: number;
  /** µs, −1 when no complete handshake. */
  handshakeRtt: number;
  /** µs. */
  longestIdle: number;
  resets: number;
  zeek: ZeekColumns | null;
  /** Protocol hint (payload or port), filled in by the command. */
  service: string | null;
}

export function endpointLabels(c: Connection): { client: string; server: string } {
  return {
    client: c.client.endpointText,
    server: c.server.endpointText,
  };
}

/** The row of a whole connection. */
export function summarizeConnection(c: Connection, zeek: ZeekColumns | null): ConnectionSummary {
  const { client, server } = endpointLabels(c);
  return {
    capture: c.capture,
    id: c.id,
    session: 0,
    startTs: c.startTs,
    startFrame: c.startFrame,
    lastFrame: c.lastFrame,
    duration: c.duration,
    client,
    server,
    roleSource: c.roleSource,
    endReason: c.endReason,
    clientPackets: c.client.packets,
    clientBytes: c.client.uniqueBytes,
    serverPackets: c.server.packets,
    serverBytes: c.server.uniqueBytes,
    retransmissions: c.client.retransmissions + c.server.retransmissions,
    maxSegmentRetransmissions: Math.max(
      c.client.maxSegmentRetransmissions,
      c.server.maxSegmentRetransmissions,
    ),
    handshakeRtt: c.handshakeRtt,
    longestIdle: c.longestIdle,
    resets: c.client.rstCount + c.server.rstCount,
    zeek,
    service: null,
  };
}
