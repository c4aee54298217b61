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
 * Rows waiting for an older connection to end, at most. A connection that outlives this many
 * later ones (a SYN nobody answers waits out the handshake timeout; a long SSH session lives
 * all capture) no longer holds the others back: they are printed, and it is when it ends.
 */
export const MAX_WAITING_ROWS = 100_000;

/**
 * Hands rows on in connection-id order (the order of each connection's first packet, as tshark
 * numbers tcp.stream) although connections end in another order: a connection's rows wait only
 * until every older connection has ended, or until MAX_WAITING_ROWS rows wait. What waits is the
 * rows as they will be printed (one string each), never connections.
 */
export class RowOrder<T> {
  private next: number;
  private readonly waiting = new Map<number, T[]>();
  private waitingRows = 0;
  private readonly emit: (row: T) => void;
  private readonly limit: number;

  constructor(firstId: number, emit: (row: T) => void, limit = MAX_WAITING_ROWS) {
    this.next = firstId;
    this.emit = emit;
    this.limit = limit;
  }

  ended(id: number, rows: T[]): void {
    if (id < this.next) {
      // Skipped when the rows behind it were let through: printed as it ends.
      for (const r of rows) this.emit(r);
      return;
    }
    if (id > this.next) {
      this.waiting.set(id, rows);
      this.waitingRows += rows.length;
      if (this.waitingRows > this.limit) this.release();
      return;
    }
    for (const r of rows) this.emit(r);
    this.next++;
    for (let w = this.waiting.get(this.next); w !== undefined; w = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.waitingRows -= w.length;
      for (const r of w) this.emit(r);
      this.next++;
    }
  }

  /** Everything waiting goes out in id order; the connections still open are printed at their end. */
  private release(): void {
    const ids = [...this.waiting.keys()].sort((a, b) => a - b);
    for (const id of ids) for (const r of this.waiting.get(id)!) this.emit(r);
    this.waiting.clear();
    this.waitingRows = 0;
    this.next = ids[ids.length - 1] + 1;
  }
}

export interface RunConnectionsOptions<T> {
  filter?: PacketFilter;
  zeek?: ZeekExtensionOptions;
  onProgress?: (capture: number, bytesRead: number, totalBytes: number | null) => void;
  /** Turns a row into what is printed (kept while the row waits for its turn). */
  render?: (row: ConnectionSummary) => T;
  /** Receives every rendered row in order as soon as it can be printed; without it, rows are
   *  collected and returned. */
  onRow?: (row: T) => void;
}

/**
 * Track every TCP connection of the captures with Zeek's bookkeeping. Rows come in order of each
 * connection's first packet (capture by capture; see RowOrder); with `zeek.sessions`, one per
 * Zeek session.
 */
export async function runConnections<T = ConnectionSummary>(
  paths: string[],
  options: RunConnectionsOptions<T> = {},
): Promise<{ rows: T[]; summaries: CaptureSummary[] }> {
  const filter = options.filter ?? null;
  const extension = makeZeekExtension(options.zeek);
  const render = options.render ?? ((r: ConnectionSummary) => r as T);
  const rows: T[] = [];
  const order = new RowOrder<T>(1, options.onRow ?? ((r) => rows.push(r)));
  let tracker: Tracker | null = null;
  let nextId = 1;
  const onEnded = (c: Connection) => {
    const ended = connectionRows(c);
    const service = ended.length > 0 ? serviceHint(c) : null;
    const out: T[] = [];
    for (const r of ended) {
      r.service = service;
      out.push(render(r));
    }
    order.ended(c.id, out);
  };
  const results = await readPackets(paths, {
    onProgress: options.onProgress,
    onCaptureStart(capture) {
      // Rows are made in `ended`; nothing holds a connection after it.
      tracker = new Tracker(capture, { ended: onEnded }, { extension, recycle: true }, nextId);
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
  const { summaries } = await runConnections<string>(paths, {
    filter: new PacketFilter(options),
    zeek: { verifyChecksums: options.checksums ?? false, sessions },
    onProgress: progress.onProgress,
    render: table === null ? (r) => JSON.stringify(connectionJson(r)) : (r) => table.encode(r),
    onRow: table === null ? write : (line) => table.row(line),
  });
  table?.end();
  flushBatch();
  return reportCaptureProblems(summaries);
}
