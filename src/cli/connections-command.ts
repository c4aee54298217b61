import type { CaptureSummary } from '../capture/record.ts';
import { readPackets } from '../pipeline/read-packets.ts';
import type { ZeekColumns } from '../report/connection-row.ts';
import { connectionJson, connectionsTable } from '../report/connection-row.ts';
import { serviceHint } from '../report/service-hint.ts';
import type { Connection } from '../tcp/connection.ts';
import { Tracker } from '../tcp/tracker.ts';
import type { ZeekExtensionOptions } from '../tcp/zeek-extension.ts';
import { makeZeekExtension, zeekColumns, zeekExtension } from '../tcp/zeek-extension.ts';
import { Output } from './output.ts';
import type { PacketFilterOptions } from './packet-filter.ts';
import { PacketFilter } from './packet-filter.ts';
import { reportCaptureProblems } from './problems.ts';
import { ProgressLine } from './progress.ts';

export interface ConnectionsOptions extends PacketFilterOptions {
  json?: boolean;
  /** Verify TCP checksums like Zeek without -C (bad ones: history 'c', packet ignored by Zeek's columns). */
  checksums?: boolean;
  quiet?: boolean;
}

type Row = ConnectionRow;

export interface ConnectionRow {
  c: Connection;
  zeek: ZeekColumns | null;
  service: string | null;
}

/** Track every TCP connection of the captures with Zeek's bookkeeping; rows in start order. */
export async function runConnections(
  paths: string[],
  options: {
    filter?: PacketFilter;
    zeek?: ZeekExtensionOptions;
    onProgress?: (capture: number, bytesRead: number, totalBytes: number | null) => void;
  } = {},
): Promise<{ rows: ConnectionRow[]; summaries: CaptureSummary[] }> {
  const filter = options.filter ?? null;
  const extension = options.zeek !== undefined ? makeZeekExtension(options.zeek) : zeekExtension;
  const rows: Row[] = [];
  let tracker: Tracker | null = null;
  let nextId = 1;
  const onEnded = (c: Connection) => {
    rows.push({ c, zeek: zeekColumns(c), service: serviceHint(c) });
    // The packet log and per-segment records are not needed for the row; let them go.
    c.resets = null;
    c.retransmissions = null;
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
  rows.sort((a, b) => a.c.capture - b.c.capture || a.c.startTs - b.c.startTs || a.c.id - b.c.id);
  return { rows, summaries: results.map((r) => r.summary) };
}

/** `rstscope connections`: one row per TCP connection, Zeek-comparable. */
export async function connectionsCommand(paths: string[], options: ConnectionsOptions): Promise<number> {
  const progress = new ProgressLine(paths, { quiet: options.quiet });
  const { rows, summaries } = await runConnections(paths, {
    filter: new PacketFilter(options),
    zeek: { verifyChecksums: options.checksums ?? false },
    onProgress: progress.onProgress,
  });
  progress.done();
  const out = new Output();
  if (options.json) {
    for (const r of rows) out.line(JSON.stringify(connectionJson(r.c, r.zeek, r.service)));
  } else {
    for (const line of connectionsTable(rows)) out.line(line);
  }
  out.flush();
  return reportCaptureProblems(summaries);
}
