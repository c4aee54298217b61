import type { CaptureRecord } from '../capture/record.ts';
import { tcpChecksumOk } from '../decode/checksum.ts';
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

export interface ZeekExtensionOptions {
  /** Zeek's likely_server_ports (default: those of a default Zeek run; empty for `zeek -b`). */
  likelyServerPorts?: ReadonlySet<number>;
  /** Verify TCP checksums as Zeek does without -C: a bad one is history 'c' and the packet is dropped. */
  verifyChecksums?: boolean;
}

export function makeZeekExtension(options: ZeekExtensionOptions = {}): ConnectionExtension {
  const likelyServerPorts = options.likelyServerPorts ?? ZEEK_DEFAULT_LIKELY_SERVER_PORTS;
  const verify = options.verifyChecksums ?? false;
  return {
    create(): ZeekState {
      return { zeek: new ZeekConnection({ likelyServerPorts }), firstSenderIsClient: null };
    },
    packet(c: Connection, view: PacketView, record: CaptureRecord, fromClient: boolean): void {
      const s = c.extension as ZeekState;
      if (s.firstSenderIsClient === null) s.firstSenderIsClient = fromClient;
      const checksumOk = verify ? tcpChecksumOk(view, record.data) : null;
      s.zeek.packet(fromClient === s.firstSenderIsClient, view, record.tsMicros, checksumOk);
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
        s.zeek.expiredBy(tsMicros) ||
        ZeekConnection.isReuse(s.zeek, fromClient === s.firstSenderIsClient, view)
      );
    },
  };
}

/** The add-on as a default Zeek run behaves (checksums ignored, as with `zeek -C`). */
export const zeekExtension: ConnectionExtension = makeZeekExtension();

export interface ZeekColumns {
  connState: string;
  history: string;
  /** Zeek's originator is our server (Zeek decided roles differently, e.g. '^' flips). */
  originatorIsServer: boolean;
  /** orig_bytes / resp_bytes as Zeek computes them (from sequence numbers). */
  origBytes: number;
  respBytes: number;
}

export function zeekColumns(c: Connection): ZeekColumns | null {
  const s = c.extension as ZeekState | null;
  if (s === null || !(s.zeek instanceof ZeekConnection)) return null;
  const origIsClient = s.zeek.originatorIsFirstSender === (s.firstSenderIsClient ?? true);
  return {
    connState: s.zeek.connState(),
    history: s.zeek.history(),
    originatorIsServer: !origIsClient,
    origBytes: s.zeek.origBytes,
    respBytes: s.zeek.respBytes,
  };
}
