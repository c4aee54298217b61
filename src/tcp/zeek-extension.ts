import type { CaptureRecord } from '../capture/record.ts';
import { tcpChecksumOk } from '../decode/checksum.ts';
import type { PacketView } from '../decode/packet-view.ts';
import type { Connection } from './connection.ts';
import type { PieceCut } from './connection-piece.ts';
import { ConnectionPiece } from './connection-piece.ts';
import type { ConnectionSummary, ZeekColumns } from './connection-summary.ts';
import { summarizeConnection } from './connection-summary.ts';
import type { ConnectionExtension } from './tracker.ts';
import { ZEEK_DEFAULT_LIKELY_SERVER_PORTS, ZeekConnection } from './zeek/index.ts';

export type { ZeekColumns };

/**
 * Plugs Zeek's conn_state/history bookkeeping (src/tcp/zeek/) into the tracker as a per-connection
 * add-on, so only `rstscope connections` (and whoever asks) pays for it. Zeek numbers its
 * originator from the first packet it sees; we remember which of our endpoints that was.
 *
 * Two ways to cut the traffic into rows:
 * - default: rstscope's connections (the tracker's boundaries, which agree with tshark's
 *   tcp.stream); Zeek's state machine runs over each whole connection, so conn_state and history
 *   keep Zeek's meanings for it;
 * - `sessions`: Zeek's own sessions, for a line-by-line comparison with conn.log. Zeek removes a
 *   connection when its timers say so (an unanswered SYN after tcp_attempt_delay, inactivity
 *   after tcp_inactivity_timeout, 5 s after a close) and treats a SYN on a closed 4-tuple as a new
 *   connection even with the same ISN; each such session is a piece of a tracked connection
 *   (ConnectionPiece), so rstscope's own columns stay right for each piece.
 */
interface ZeekState {
  /** One row per Zeek session (sessions mode) rather than per connection. */
  sessions: boolean;
  zeek: ZeekConnection;
  /** Our client sent the Zeek session's first packet. */
  firstSenderIsClient: boolean | null;
  /** sessions mode: the Zeek session in progress (null before its first packet, or once it
   *  continued into the connection that replaced this one). */
  piece: ConnectionPiece | null;
  /** sessions mode: rows of the Zeek sessions that already ended within this connection. */
  finished: ConnectionSummary[] | null;
}

export interface ZeekExtensionOptions {
  /** Zeek's likely_server_ports (default: those of a default Zeek run; empty for `zeek -b`). */
  likelyServerPorts?: ReadonlySet<number>;
  /** Verify TCP checksums as Zeek does without -C: a bad one is history 'c' and the packet is dropped. */
  verifyChecksums?: boolean;
  /** One row per Zeek session (Zeek's own splitting) instead of one per rstscope connection. */
  sessions?: boolean;
}

export function makeZeekExtension(options: ZeekExtensionOptions = {}): ConnectionExtension {
  const likelyServerPorts = options.likelyServerPorts ?? ZEEK_DEFAULT_LIKELY_SERVER_PORTS;
  const verify = options.verifyChecksums ?? false;
  const newZeek = () => new ZeekConnection({ likelyServerPorts });
  const packet = (c: Connection, view: PacketView, record: CaptureRecord, fromClient: boolean): void => {
    const s = c.extension as ZeekState;
    if (s.firstSenderIsClient === null) s.firstSenderIsClient = fromClient;
    const checksumOk = verify ? tcpChecksumOk(view, record.data) : null;
    s.zeek.packet(fromClient === s.firstSenderIsClient, view, record.tsMicros, checksumOk);
    s.piece?.analysed(c);
  };
  if (options.sessions !== true) {
    return {
      create: (): ZeekState => ({
        sessions: false,
        zeek: newZeek(),
        firstSenderIsClient: null,
        piece: null,
        finished: null,
      }),
      packet,
    };
  }
  return {
    create(c, view, record, predecessor): ZeekState {
      const old = predecessor?.extension as ZeekState | null | undefined;
      if (old?.piece != null && old.firstSenderIsClient !== null) {
        // The tracker starts a new connection here (new SYN); if Zeek would not, its session
        // goes on in the new connection.
        const fromClientBefore =
          view.sport === predecessor!.client.port && predecessor!.client.hasAddress(view.src);
        if (zeekCut(old, view, record.tsMicros, fromClientBefore) === null) {
          const piece = old.piece;
          old.piece = null;
          piece.carryInto(predecessor!, c);
          const sameFirst = old.firstSenderIsClient === fromClientBefore;
          const fromClientNow = view.sport === c.client.port && c.client.hasAddress(view.src);
          return {
            sessions: true,
            zeek: old.zeek,
            firstSenderIsClient: sameFirst === fromClientNow,
            piece,
            finished: null,
          };
        }
      }
      return { sessions: true, zeek: newZeek(), firstSenderIsClient: null, piece: null, finished: null };
    },
    before(c, view, record, fromClient) {
      const s = c.extension as ZeekState;
      const ts = record.tsMicros;
      if (s.piece !== null && s.firstSenderIsClient !== null) {
        const cut = zeekCut(s, view, ts, fromClient);
        if (cut !== null) {
          if (s.finished === null) s.finished = [];
          const p = s.piece;
          s.finished.push(p.summary(c, columnsOf(s), p.endReason(c, cut), s.finished.length + 1));
          s.zeek = newZeek();
          s.firstSenderIsClient = null;
          s.piece = null;
        }
      }
      if (s.piece === null) s.piece = new ConnectionPiece(c, ts, record.frame);
      else s.piece.observe(ts, record.frame);
    },
    packet,
  };
}

/** Whether Zeek would end its session before this packet: its timers removed it, or a new SYN reuses the tuple. */
function zeekCut(s: ZeekState, view: PacketView, ts: number, fromClient: boolean): PieceCut | null {
  if (s.zeek.expiredBy(ts)) return 'timer';
  return ZeekConnection.isReuse(s.zeek, fromClient === s.firstSenderIsClient, view) ? 'reuse' : null;
}

function columnsOf(s: ZeekState): ZeekColumns {
  const origIsClient = s.zeek.originatorIsFirstSender === (s.firstSenderIsClient ?? true);
  return {
    connState: s.zeek.connState(),
    history: s.zeek.history(),
    originatorIsServer: !origIsClient,
    origBytes: s.zeek.origBytes,
    respBytes: s.zeek.respBytes,
  };
}

/**
 * The rows of a connection that just ended: the whole connection, or (sessions mode) each Zeek
 * session that ended within it, the one in progress ending now — unless it continued into the
 * connection that replaced this one, which will report it.
 */
export function connectionRows(c: Connection): ConnectionSummary[] {
  const s = c.extension as ZeekState | null;
  if (s === null || !(s.zeek instanceof ZeekConnection)) return [summarizeConnection(c, null)];
  if (!s.sessions) return [summarizeConnection(c, columnsOf(s))];
  const rows = s.finished ?? [];
  if (s.piece !== null) {
    rows.push(s.piece.summary(c, columnsOf(s), s.piece.endReason(c, 'end'), rows.length + 1));
  }
  return rows;
}
