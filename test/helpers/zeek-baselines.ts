/**
 * Zeek's published conn.log baselines (corpus/zeek/ZEEK_BASELINES.tsv) and a test-local replay of
 * the matching traces through ZeekConnection, grouped by 4-tuple the way Zeek's session table does
 * (a new connection when Zeek's timers removed the old one or when IsReuse says so).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../src/capture/read-capture.ts';
import { formatAddress } from '../../src/decode/address.ts';
import { tcpChecksumOk } from '../../src/decode/checksum.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import {
  ZEEK_DEFAULT_LIKELY_SERVER_PORTS,
  ZEEK_HTTP_PORTS,
  ZEEK_SSL_PORTS,
  ZeekConnection,
} from '../../src/tcp/zeek/index.ts';

import { CORPUS_DIR } from './corpus.ts';

/** The public corpus beside the project (../shared/corpus), wherever the clone lives. */
export const CORPUS = CORPUS_DIR;

export interface BaselineRow {
  capture: string;
  baselineFile: string;
  btest: string;
  content: string;
  execLines: string;
}

/** One connection as the baseline states it; absent fields were not in the baseline. */
export interface ExpectedConn {
  origH?: string;
  origP?: number;
  respH?: string;
  respP?: number;
  history?: string;
  connState?: string;
  origBytes?: number;
  respBytes?: number;
}

export interface Baseline {
  row: BaselineRow;
  /** How Zeek was run on this trace. */
  ignoreChecksums: boolean;
  bare: boolean;
  /** Whether the rows carry addresses (else they are compared as a multiset). */
  hasAddresses: boolean;
  conns: ExpectedConn[];
}

export function readBaselineIndex(): BaselineRow[] {
  const lines = readFileSync(join(CORPUS, 'zeek/ZEEK_BASELINES.tsv'), 'utf8').split('\n');
  const rows: BaselineRow[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const [capture, baselineFile, btest, _src, content, execLines] = line.split('\t');
    rows.push({ capture, baselineFile, btest, content, execLines });
  }
  return rows;
}

/** The `zeek …` command of the exec lines that reads this capture. */
function zeekCommandFor(row: BaselineRow): string {
  const traceName = row.capture.replace(/^zeek\//, '');
  for (const part of row.execLines.split(' ; ')) {
    const cmd = part.trim();
    if (cmd.startsWith('zeek ') && cmd.includes(traceName)) return cmd;
  }
  throw new Error(`no zeek command reads ${row.capture} in ${row.btest}`);
}

function hasOption(cmd: string, letter: string): boolean {
  // Short options may be grouped (-Cr, -bC).
  return cmd.split(/\s+/).some((w) => /^-[A-Za-z]+$/.test(w) && w.includes(letter));
}

function parseTable(text: string): { header: string[]; rows: string[][] } {
  let header: string[] | null = null;
  const rows: string[][] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#fields\t')) {
      header = line.split('\t').slice(1);
      continue;
    }
    if (line.startsWith('#')) continue;
    if (header === null) {
      header = line.split('\t'); // zeek-cut -m / btest-diff-cut -m: the first line names the columns
      continue;
    }
    rows.push(line.split('\t'));
  }
  return { header: header ?? [], rows };
}

/** Parses a baseline; null when it holds neither conn_state nor history. */
export function readBaseline(row: BaselineRow): Baseline | null {
  const cmd = zeekCommandFor(row);
  const text = readFileSync(join(CORPUS, row.baselineFile), 'utf8');
  const base = { row, ignoreChecksums: hasOption(cmd, 'C'), bare: hasOption(cmd, 'b') };

  if (row.baselineFile.endsWith('conn_state-RST-behavior.out')) {
    // "line N of 4 (history, conn_state)": run N of the btest printed line N.
    const n = Number(/line (\d+) of/.exec(row.content)?.[1]);
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const [history, connState] = lines[n - 1].split(', ');
    return { ...base, hasAddresses: false, conns: [{ history, connState }] };
  }

  const { header, rows } = parseTable(text);
  const col = (name: string) => header.indexOf(name);
  const iHist = col('history');
  const iState = col('conn_state');
  if (iHist < 0 && iState < 0) return null;
  const iProto = col('proto');
  const iOh = col('id.orig_h');
  const iOp = col('id.orig_p');
  const iRh = col('id.resp_h');
  const iRp = col('id.resp_p');
  const iOb = col('orig_bytes');
  const iRb = col('resp_bytes');
  const value = (r: string[], i: number) => (i < 0 || r[i] === '-' ? undefined : r[i]);
  const num = (r: string[], i: number) => {
    const v = value(r, i);
    return v === undefined ? undefined : Number(v);
  };
  const conns: ExpectedConn[] = [];
  for (const r of rows) {
    if (iProto >= 0 && r[iProto] !== 'tcp') continue;
    conns.push({
      origH: value(r, iOh),
      origP: num(r, iOp),
      respH: value(r, iRh),
      respP: num(r, iRp),
      history: iHist < 0 ? undefined : (value(r, iHist) ?? ''),
      connState: value(r, iState),
      origBytes: num(r, iOb),
      respBytes: num(r, iRb),
    });
  }
  return { ...base, hasAddresses: iOh >= 0 && iRh >= 0, conns };
}

/**
 * likely_server_ports for the run: the default scripts' ports, or in bare mode only those of the
 * protocol scripts the btest evidently loads (it diffs their logs).
 */
export function likelyServerPortsFor(b: Baseline): ReadonlySet<number> {
  if (!b.bare) return ZEEK_DEFAULT_LIKELY_SERVER_PORTS;
  const ports = new Set<number>();
  const exec = b.row.execLines;
  if (exec.includes('http.log')) for (const p of ZEEK_HTTP_PORTS) ports.add(p);
  if (exec.includes('ssl.log')) for (const p of ZEEK_SSL_PORTS) ports.add(p);
  return ports;
}

/** One connection as our replay of Zeek produced it. */
export interface ActualConn {
  origH: string;
  origP: number;
  respH: string;
  respP: number;
  history: string;
  connState: string;
  origBytes: number;
  respBytes: number;
  origState: number;
  respState: number;
}

interface Slot {
  conn: ZeekConnection;
  firstSrc: string;
  firstSport: number;
  firstDst: string;
  firstDport: number;
}

function finish(s: Slot): ActualConn {
  const c = s.conn;
  const keep = c.originatorIsFirstSender;
  return {
    origH: keep ? s.firstSrc : s.firstDst,
    origP: keep ? s.firstSport : s.firstDport,
    respH: keep ? s.firstDst : s.firstSrc,
    respP: keep ? s.firstDport : s.firstSport,
    history: c.history(),
    connState: c.connState(),
    origBytes: c.origBytes,
    respBytes: c.respBytes,
    origState: c.origState,
    respState: c.respState,
  };
}

/** Replays a trace through ZeekConnection; connections in the order Zeek would create them. */
export async function replayTrace(
  capturePath: string,
  opts: { ignoreChecksums: boolean; likelyServerPorts: ReadonlySet<number> },
): Promise<ActualConn[]> {
  const view = new PacketView();
  const open = new Map<string, Slot>();
  const all: Slot[] = [];
  await readCapture(capturePath, 0, (r) => {
    decodeFrame(view, r.data, r.offset, r.capturedLength, r.linkType);
    if (view.status !== 'tcp' || view.isFragment) return;
    const v = view.ipVersion === 6 ? 6 : 4;
    const src = formatAddress(v, view.src);
    const dst = formatAddress(v, view.dst);
    const a = `${src}|${view.sport}`;
    const b = `${dst}|${view.dport}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let slot = open.get(key);
    let fromFirst = slot !== undefined && slot.firstSrc === src && slot.firstSport === view.sport;
    if (
      slot !== undefined &&
      (slot.conn.expiredBy(r.tsMicros) || ZeekConnection.isReuse(slot.conn, fromFirst, view))
    ) {
      slot = undefined;
    }
    if (slot === undefined) {
      slot = {
        conn: new ZeekConnection({ likelyServerPorts: opts.likelyServerPorts }),
        firstSrc: src,
        firstSport: view.sport,
        firstDst: dst,
        firstDport: view.dport,
      };
      open.set(key, slot);
      all.push(slot);
      fromFirst = true;
    }
    const checksumOk = opts.ignoreChecksums ? null : tcpChecksumOk(view, r.data);
    slot.conn.packet(fromFirst, view, r.tsMicros, checksumOk);
  });
  return all.map(finish);
}

export function describe(c: ExpectedConn | ActualConn): string {
  return `${c.origH ?? '?'}:${c.origP ?? '?'} > ${c.respH ?? '?'}:${c.respP ?? '?'}`;
}

/** `[size=…, state=…]` endpoint records printed by the core.tcp btests (orig first, then resp). */
export interface ExpectedEndpoint {
  size: number;
  state: number;
}

export function readEndpointBaseline(row: BaselineRow): ExpectedEndpoint[] | null {
  const text = readFileSync(join(CORPUS, row.baselineFile), 'utf8');
  const found: ExpectedEndpoint[] = [];
  for (const m of text.matchAll(/\[size=(\d+), state=(\d+),/g))
    found.push({ size: Number(m[1]), state: Number(m[2]) });
  return found.length === 2 ? found : null;
}

/**
 * Pairs baseline connections with replayed ones: by addresses and ports where the baseline has
 * them (in order among equal 4-tuples, as conn.log lists a reused tuple's connections), else by
 * identical history, else in order.
 */
export function pairConnections(b: Baseline, actual: ActualConn[]): (ActualConn | undefined)[] {
  const used = new Set<number>();
  const take = (pred: (a: ActualConn) => boolean) => {
    const i = actual.findIndex((a, k) => !used.has(k) && pred(a));
    if (i >= 0) used.add(i);
    return i >= 0 ? actual[i] : undefined;
  };
  return b.conns.map((e) => {
    if (b.hasAddresses) {
      return take(
        (a) =>
          a.origH === e.origH &&
          a.respH === e.respH &&
          (e.origP === undefined || a.origP === e.origP) &&
          (e.respP === undefined || a.respP === e.respP),
      );
    }
    return take((a) => a.history === e.history) ?? take(() => true);
  });
}

/** Whether a connection matches its baseline row on every column the baseline has. */
export function matchesBaseline(e: ExpectedConn, a: ActualConn | undefined): boolean {
  return (
    a !== undefined &&
    (e.history === undefined || a.history === e.history) &&
    (e.connState === undefined || a.connState === e.connState) &&
    (e.origBytes === undefined || a.origBytes === e.origBytes) &&
    (e.respBytes === undefined || a.respBytes === e.respBytes)
  );
}
