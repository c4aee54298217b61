import { secondsOf } from '../capture/record.ts';
import type { Finding } from '../explain/finding.ts';
import type { FindingSource } from '../explain/finding-store.ts';
import type { PathLoss } from '../explain/multi/cross-check.ts';
import type { CaptureResult } from '../pipeline/read-packets.ts';

/** Version of the JSON document's shape; bumped on any incompatible change. */
export const SCHEMA_VERSION = 1;

export interface CaptureInfo {
  index: number;
  path: string;
  format: string;
  compression: string;
  packets: number;
  tcpPackets: number;
  connections: number;
  firstTs: number | null;
  lastTs: number | null;
  problems: { offset: number; message: string; fatal: boolean }[];
  /** Several overlapping captures: where this one was taken, relative to the connections it shares. */
  vantage?: 'client' | 'server' | 'between' | 'unknown';
  /**
   * Several overlapping captures: seconds to add to this capture's timestamps to express them in
   * capture 0's clock, with its uncertainty (±) and drift, from `matchedConnections` connections
   * seen in both.
   */
  clock?: {
    reference: number;
    offset: number;
    uncertainty: number;
    driftPpm: number | null;
    /** The moment (seconds, on this capture's clock) at which `offset` holds; with a drift the
     *  offset at time t is offset − driftPpm·10⁻⁶·(t − epoch). */
    epoch: number;
    matchedConnections: number;
    /** Aligned through these captures (it shares no connection with the reference itself). */
    via?: number[];
    /** Packets were seen one way only: the one-way delay is unknown and is in the uncertainty. */
    oneWay?: boolean;
  };
  /** A vantage point inside a pcapng file: its interfaces (ids in the file). */
  interfaces?: number[];
  /** … and the original capture they came from (`rstscope export`) or the interface's name. */
  source?: string;
}

export function captureInfo(
  r: CaptureResult,
  connections: number,
  firstTs: number,
  lastTs: number,
): CaptureInfo {
  return {
    index: r.summary.capture,
    path: r.summary.path,
    format: r.summary.format,
    compression: r.summary.compression,
    packets: r.summary.records,
    tcpPackets: r.decoded.tcp,
    connections,
    firstTs: firstTs > 0 ? secondsOf(firstTs) : null,
    lastTs: lastTs > 0 ? secondsOf(lastTs) : null,
    problems: r.summary.problems.map((p) => ({ offset: p.offset, message: p.message, fatal: p.fatal })),
  };
}

/**
 * The whole `--json` document: `{ schema, tool, captures, findings }`, plus `paths` (packets lost
 * between vantage points) when several captures overlap.
 */
export function explainDocument(
  captures: CaptureInfo[],
  findings: Finding[],
  paths: PathLoss[] = [],
): string {
  const doc: Record<string, unknown> = { schema: SCHEMA_VERSION, tool: 'rstscope', captures, findings };
  if (paths.length > 0) doc.paths = paths;
  return JSON.stringify(doc, null, 2);
}

/**
 * The same document as explainDocument, written piece by piece: one finding at a time, so that a
 * capture with hundreds of thousands of findings is neither held whole as one string (V8 caps
 * strings at ~512 MB) nor as objects. Byte for byte what `JSON.stringify(doc, null, 2)` gives.
 */
export function writeExplainDocument(
  write: (text: string) => void,
  captures: CaptureInfo[],
  findings: FindingSource,
  paths: PathLoss[] = [],
): void {
  const member = (key: string, value: unknown, last: boolean) =>
    write(`  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${last ? '\n' : ',\n'}`);
  write('{\n');
  member('schema', SCHEMA_VERSION, false);
  member('tool', 'rstscope', false);
  member('captures', captures, false);
  const last = paths.length === 0;
  if (findings.heads.length === 0) write(`  "findings": []${last ? '\n' : ',\n'}`);
  else {
    write('  "findings": [\n');
    findings.heads.forEach((h, i) => {
      const text = indent(JSON.stringify(findings.finding(h), null, 2), '    ');
      write(`    ${text}${i === findings.heads.length - 1 ? '\n' : ',\n'}`);
    });
    write(`  ]${last ? '\n' : ',\n'}`);
  }
  if (!last) member('paths', paths, true);
  write('}');
}

/** JSON text never holds a raw newline inside a string, so every newline starts a line. */
function indent(json: string, by: string): string {
  return json.replaceAll('\n', `\n${by}`);
}
