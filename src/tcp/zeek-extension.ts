import type { CaptureRecord } from '../capture/record.ts';
import type { PacketView } from '../decode/packet-view.ts';
import type { Connection } from './connection.ts';
import type { ConnectionExtension } from './tracker.ts';
import { ZEEK_DEFAULT_LIKELY_SERVER_PORTS, ZeekConnection } from './zeek/index.ts';

/**
 * Plugs Zeek's conn_state/history bookkeeping (src/tcp/zeek/) into the tracker as a per-connection
 * add-on, so only `rstscope connections` (and whoever asks) pays for it. Zeek numbers its
 * originator from the first packet it sees; we remember which of our endpoints that was.
 */
interface ZeekState {
  zeek: ZeekConnection;
  /** Our client sent the connection's first captured packet. */
  firstSenderIsClient: boolean | null;
}

export const zeekExtension: ConnectionExtension = {
  create(): ZeekState {
    return {
      zeek: new ZeekConnection({ likelyServerPorts: ZEEK_DEFAULT_LIKELY_SERVER_PORTS }),
      firstSenderIsClient: null,
    };
  },
  packet(c: Connection, view: PacketView, record: CaptureRecord, fromClient: boolean): void {
    const s = c.extension as ZeekState;
    if (s.firstSenderIsClient === null) s.firstSenderIsClient = fromClient;
    s.zeek.packet(fromClient === s.firstSenderIsClient, view, record.tsMicros, null);
  },
  startsNewConnection(
    c: Connection,
    view: PacketView,
    fromClient: boolean,
    tsMicros: number,
  ): boolean | undefined {
    const s = c.extension as ZeekState;
    if (s.firstSenderIsClient === null) return undefined;
    // Zeek starts a new connection when its timers removed the old one, or on reuse (new SYN).
    return (
      s.zeek.expiredBy(tsMicros) || ZeekConnection.isReuse(s.zeek, fromClient === s.firstSenderIsClient, view)
    );
  },
};

export function zeekColumns(
  c: Connection,
): { connState: string; history: string; originatorIsServer: boolean } | null {
  const s = c.extension as ZeekState | null;
  if (s === null || !(s.zeek instanceof ZeekConnection)) return null;
  const origIsClient = s.zeek.originatorIsFirstSender === (s.firstSenderIsClient ?? true);
  return { connState: s.zeek.connState(), history: s.zeek.history(), originatorIsServer: !origIsClient };
}
