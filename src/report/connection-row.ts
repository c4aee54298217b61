import { secondsOf } from '../capture/record.ts';
import { formatEndpoint } from '../decode/address.ts';
import type { Connection } from '../tcp/connection.ts';
import type { ZeekColumns } from '../tcp/zeek-extension.ts';
import { humanDuration, utcTime } from './time.ts';

export type { ZeekColumns };

/**
 * One connection as `rstscope connections --json` prints it. Field names are a public contract
 * (README "Output contract"); conn_state and history have exactly Zeek's meanings.
 */
export function connectionJson(
  c: Connection,
  zeek: ZeekColumns | null,
  service: string | null,
): Record<string, unknown> {
  const o: Record<string, unknown> = {
    capture: c.capture,
    id: c.id,
    start: secondsOf(c.startTs),
    duration: (c.lastTs - c.startTs) / 1e6,
    client: formatEndpoint(c.client.ipVersion, c.client.address, c.client.port),
    server: formatEndpoint(c.server.ipVersion, c.server.address, c.server.port),
    roles: c.roleSource === 'syn' ? 'syn' : `inferred-${c.roleSource}`,
    service,
    conn_state: zeek?.connState ?? null,
    history: zeek?.history ?? null,
    end: c.endReason,
    client_pkts: c.client.packets,
    client_bytes: c.client.uniqueBytes,
    server_pkts: c.server.packets,
    server_bytes: c.server.uniqueBytes,
    retransmissions: c.client.retransmissions + c.server.retransmissions,
    max_segment_retransmissions: Math.max(
      c.client.maxSegmentRetransmissions,
      c.server.maxSegmentRetransmissions,
    ),
    handshake_rtt: c.handshakeRtt >= 0 ? c.handshakeRtt / 1e6 : null,
    longest_idle: c.longestIdle / 1e6,
    resets: c.client.rstCount + c.server.rstCount,
    first_frame: c.startFrame,
    last_frame: c.lastFrame,
  };
  if (zeek !== null) {
    o.orig_bytes = zeek.origBytes;
    o.resp_bytes = zeek.respBytes;
  }
  if (zeek?.originatorIsServer) o.zeek_originator = 'server';
  return o;
}

const HEADER = [
  'start',
  'duration',
  'client',
  'server',
  'service',
  'state',
  'history',
  'end',
  'c→s pkts/bytes',
  's→c pkts/bytes',
  'rexmit',
  'max1',
  'hs-rtt',
  'idle-max',
];

/** A text table: columns padded to their widest cell. */
export function connectionsTable(
  rows: { c: Connection; zeek: ZeekColumns | null; service: string | null }[],
): string[] {
  const cells = rows.map(({ c, zeek, service }) => [
    utcTime(c.startTs),
    humanDuration(c.lastTs - c.startTs),
    formatEndpoint(c.client.ipVersion, c.client.address, c.client.port) + (c.roleSource === 'syn' ? '' : '?'),
    formatEndpoint(c.server.ipVersion, c.server.address, c.server.port),
    service ?? '-',
    zeek?.connState ?? '-',
    zeek?.history ?? '-',
    c.endReason,
    `${c.client.packets}/${c.client.uniqueBytes}`,
    `${c.server.packets}/${c.server.uniqueBytes}`,
    String(c.client.retransmissions + c.server.retransmissions),
    String(Math.max(c.client.maxSegmentRetransmissions, c.server.maxSegmentRetransmissions)),
    c.handshakeRtt >= 0 ? humanDuration(c.handshakeRtt) : '-',
    humanDuration(c.longestIdle),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const fmt = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [fmt(HEADER), ...cells.map(fmt)];
}
