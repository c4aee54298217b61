import type { CaptureSummary } from '../capture/record.ts';
import { readPackets } from '../pipeline/read-packets.ts';
import { ConnectionsTable, connectionJson } from '../report/connection-row.ts';
import { serviceHint } from '../report/service-hint.ts';
import type { Connection } from '../tcp/connection.ts';
import type { ConnectionSummary } from '../tcp/connection-summary.ts';
import { Tracker } from '../tcp/tracker.ts';
import type { ZeekExtensionOptions } from '../tcp/zeek-extension.ts';
import { connectionRows, makeZeekExtension } from '../tcp/zeek-extension.ts';
import { Output } from './output.ts';
import type { PacketFilterOptions } from './packet-filter.ts';
import { PacketFilter } from './packet-filter.ts';
import { reportCaptureProblems } from './problems.ts';
import { ProgressLine } from './progress.ts';

export interface ConnectionsOptions extends PacketFilterOptions {
  json?: boolean;
  /** Verify TCP checksums like Zeek without -C (bad ones: history 'c', packet ignored by Zeek's columns). */
  checksums?: boolean;
  /** One row per Zeek session (Zeek's own splitting, for conn.log comparison). */
  zeekSessions?: boolean;
  quiet?: boolean;
}

/**
 * Hands rows on in connection-id order (the order of each connection's first packet, as tshark
 * numbers tcp.stream) although connections end in another order: a connection's rows wait only
 * until every older connection has ended. What waits is compact rows, never connections.
 */
class RowOrder {
  private next: number;
  private readonly waiting = new Map<number, ConnectionSummary[]>();
  private readonly emit: (row: ConnectionSummary) => void;

  constructor(firstId: number, emit: (row: ConnectionSummary) => void) {
    this.next = firstId;
    this.emit = emit;
  }

  ended(id: number, rows: ConnectionSummary[]): void {
    if (id !== this.next) {
      this.waiting.set(id, rows);
      return;
    }
    for (const r of rows) this.emit(r);
    this.next++;
    for (let w = this.waiting.get(this.next); w !== undefined; w = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      for (const r of w) this.emit(r);
      this.next++;
    }
  }

  get held(): number {
    return this.waiting.size;
  }
}

export interface RunConnectionsOptions {
  filter?: PacketFilter;
  zeek?: ZeekExtensionOptions;
  onProgress?: (capture: number, bytesRead: number, totalBytes: number | null) => void;
  /** Receives every row in order as soon as it can be printed; without it, rows are collected. */
  onRow?: (row: ConnectionSummary) => void;
}

/**
 * Track every TCP connection of the captures with Zeek's bookkeeping. Rows come in order of each
 * connection's first packet (capture by capture); with `zeek.sessions`, one per Zeek session.
 */
export async function runConnections(
  paths: string[],
  options: RunConnectionsOptions = {},
): Promise<{ rows: ConnectionSummary[]; summaries: CaptureSummary[] }> {
  const filter = options.filter ?? null;
  const extension = makeZeekExtension(options.zeek);
  const rows: ConnectionSummary[] = [];
  const order = new RowOrder(1, options.onRow ?? ((r) => rows.push(r)));
  let tracker: Tracker | null = null;
  let nextId = 1;
  const onEnded = (c: Connection) => {
    const ended = connectionRows(c);
    const service = ended.length > 0 ? serviceHint(c) : null;
    for (const r of ended) r.service = service;
    order.ended(c.id, ended);
  };
  const results = await readPackets(paths, {
    onProgress: options.onProgress,
    onCaptureStart(capture) {
      tracker = new Tracker(capture, { ended: onEnded }, { extension }, nextId);
    },
    onTcp(record, view) {
      if (filter !== null && !filter.matches(view)) return;
      tracker!.packet(record, view);
    },
    onCaptureEnd() {
      tracker!.finish();
      nextId = tracker!.nextConnectionId;
    },
  });
  return { rows, summaries: results.map((r) => r.summary) };
}

/** `rstscope connections`: one row per TCP connection, Zeek-comparable. */
export async function connectionsCommand(paths: string[], options: ConnectionsOptions): Promise<number> {
  const progress = new ProgressLine(paths, { quiet: options.quiet });
  const out = new Output();
  const sessions = options.zeekSessions ?? false;
  // Rows are printed while the captures are still being read: clear the progress line (stderr)
  // before each batch so a terminal showing both never gets a row glued to it.
  const batch: string[] = [];
  let batchSize = 0;
  const flushBatch = () => {
    progress.done();
    for (const line of batch) out.line(line);
    out.flush();
    batch.length = 0;
    batchSize = 0;
  };
  const write = (line: string) => {
    batch.push(line);
    batchSize += line.length;
    if (batchSize >= 65536) flushBatch();
  };
  const table = options.json ? null : new ConnectionsTable(write, { captures: paths.length > 1, sessions });
  const { summaries } = await runConnections(paths, {
    filter: new PacketFilter(options),
    zeek: { verifyChecksums: options.checksums ?? false, sessions },
    onProgress: progress.onProgress,
    onRow: table === null ? (r) => write(JSON.stringify(connectionJson(r))) : (r) => table.row(r),
  });
  table?.end();
  flushBatch();
  return reportCaptureProblems(summaries);
}
