import { secondsOf } from '../capture/record.ts';
import type { ConnectionSummary, ZeekColumns } from '../tcp/connection-summary.ts';
import { humanDuration, utcTime } from './time.ts';

export type { ConnectionSummary, ZeekColumns };

/**
 * One connection as `rstscope connections --json` prints it. Field names are a public contract
 * (README "Output contract"); conn_state and history have exactly Zeek's meanings.
 */
export function connectionJson(r: ConnectionSummary): Record<string, unknown> {
  const o: Record<string, unknown> = {
    capture: r.capture,
    id: r.id,
  };
  if (r.session > 0) o.zeek_session = r.session;
  Object.assign(o, {
    start: secondsOf(r.startTs),
    duration: r.duration / 1e6,
    client: r.client,
    server: r.server,
    roles: r.roleSource === 'syn' ? 'syn' : `inferred-${r.roleSource}`,
    service: r.service,
    conn_state: r.zeek?.connState ?? null,
    history: r.zeek?.history ?? null,
    end: r.endReason,
    client_pkts: r.clientPackets,
    client_bytes: r.clientBytes,
    server_pkts: r.serverPackets,
    server_bytes: r.serverBytes,
    retransmissions: r.retransmissions,
    max_segment_retransmissions: r.maxSegmentRetransmissions,
    handshake_rtt: r.handshakeRtt >= 0 ? r.handshakeRtt / 1e6 : null,
    longest_idle: r.longestIdle / 1e6,
    resets: r.resets,
    first_frame: r.startFrame,
    last_frame: r.lastFrame,
  });
  if (r.zeek !== null) {
    o.orig_bytes = r.zeek.origBytes;
    o.resp_bytes = r.zeek.respBytes;
    o.zeek_originator = r.zeek.originatorIsServer ? 'server' : 'client';
  }
  return o;
}

interface Column {
  header: string;
  cell(r: ConnectionSummary): string;
}

const COLUMNS: Column[] = [
  { header: 'start', cell: (r) => utcTime(r.startTs) },
  { header: 'duration', cell: (r) => humanDuration(r.duration) },
  // '?' marks roles inferred without a SYN (JSON "roles").
  { header: 'client', cell: (r) => r.client + (r.roleSource === 'syn' ? '' : '?') },
  { header: 'server', cell: (r) => r.server },
  { header: 'service', cell: (r) => r.service ?? '-' },
  // Whom Zeek calls the originator (its history's upper-case letters): our client, or our server.
  { header: 'orig', cell: (r) => (r.zeek === null ? '-' : r.zeek.originatorIsServer ? 'server' : 'client') },
  { header: 'state', cell: (r) => r.zeek?.connState ?? '-' },
  { header: 'history', cell: (r) => r.zeek?.history ?? '-' },
  { header: 'end', cell: (r) => r.endReason },
  { header: 'c→s pkts/bytes', cell: (r) => `${r.clientPackets}/${r.clientBytes}` },
  { header: 's→c pkts/bytes', cell: (r) => `${r.serverPackets}/${r.serverBytes}` },
  { header: 'rexmit', cell: (r) => String(r.retransmissions) },
  { header: 'max1', cell: (r) => String(r.maxSegmentRetransmissions) },
  { header: 'hs-rtt', cell: (r) => (r.handshakeRtt >= 0 ? humanDuration(r.handshakeRtt) : '-') },
  { header: 'idle-max', cell: (r) => humanDuration(r.longestIdle) },
];

const CAPTURE_COLUMN: Column = { header: 'capture', cell: (r) => String(r.capture) };
const SESSION_COLUMN: Column = { header: 'session', cell: (r) => String(r.session) };

/** Between cells of an encoded row: no cell holds it (addresses, numbers, fixed names). */
const SEPARATOR = '\x1f';

/** Rows decided before the column widths are fixed. */
const WIDTH_SAMPLE = 256;

/**
 * The text table, written as rows arrive: the first WIDTH_SAMPLE rows are held to size the
 * columns, later rows are padded to those widths (a wider cell pushes the rest of its row only),
 * so a capture with millions of connections is printed in constant memory.
 */
export class ConnectionsTable {
  private readonly columns: Column[];
  private readonly write: (line: string) => void;
  private sample: string[][] | null = [];
  private widths: number[] = [];

  constructor(write: (line: string) => void, options: { captures?: boolean; sessions?: boolean } = {}) {
    this.write = write;
    this.columns = [
      ...(options.captures ? [CAPTURE_COLUMN] : []),
      ...(options.sessions ? [SESSION_COLUMN] : []),
      ...COLUMNS,
    ];
  }

  /** A row's cells as one compact string (what waits while earlier rows are still open). */
  encode(r: ConnectionSummary): string {
    return this.columns.map((c) => c.cell(r)).join(SEPARATOR);
  }

  /** Print (or hold, while sizing the columns) one row made by encode(). */
  row(encoded: string): void {
    const cells = encoded.split(SEPARATOR);
    if (this.sample === null) {
      this.write(this.format(cells));
      return;
    }
    this.sample.push(cells);
    if (this.sample.length >= WIDTH_SAMPLE) this.release();
  }

  /** End of rows: print whatever is still held (and the header, if not yet). */
  end(): void {
    if (this.sample !== null) this.release();
  }

  private release(): void {
    const sample = this.sample!;
    this.sample = null;
    const header = this.columns.map((c) => c.header);
    this.widths = header.map((h, i) => Math.max(h.length, ...sample.map((r) => r[i].length)));
    this.write(this.format(header));
    for (const cells of sample) this.write(this.format(cells));
  }

  private format(cells: string[]): string {
    return cells
      .map((v, i) => v.padEnd(this.widths[i]))
      .join('  ')
      .trimEnd();
  }
}
