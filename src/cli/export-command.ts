/**
 * `rstscope export <capture…> --finding N -w out.pcap` (or `--connection "a:p-b:q"`): the packets
 * of one finding's connection(s), from every capture involved, as a new capture file to attach
 * to a ticket or open in Wireshark.
 *
 * How the packets are chosen: the connection tracker decides, as it did for the analysis. A
 * finding names frames (its packets and its ladder); a first read with a tracker finds the
 * connections those frames belong to, and a second read writes every packet the tracker assigns
 * to one of them. So a 4-tuple reused by a later connection (TIME_WAIT reuse, a port scan
 * revisiting a port) is not mixed in, and the captures are streamed, never held in memory.
 * Connection ids are deterministic (creation order, numbered across captures as runExplain does),
 * which is what lets the two reads agree.
 *
 * Output: pcap when one capture is involved (same link type, timestamps and frame bytes as the
 * input); pcapng with one interface per input capture (and link type) when several are, so
 * Wireshark shows which vantage point each packet came from (if_name = the input file's name).
 * Each interface carries a comment naming its capture and vantage (pipeline/vantage-points.ts),
 * so `rstscope explain` reads the file as the captures it came from again, with the same verdicts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PcapngWriter, PcapWriter } from '../capture/pcap-writer.ts';
import type { CaptureRecord } from '../capture/record.ts';
import { formatEndpoint, parseAddress } from '../decode/address.ts';
import type { Finding, PacketRef } from '../explain/finding.ts';
import type { FindingSource } from '../explain/finding-store.ts';
import { readPackets } from '../pipeline/read-packets.ts';
import { vantageMark } from '../pipeline/vantage-points.ts';
import { sanitizeForTerminal } from '../report/terminal-safe.ts';
import type { Connection } from '../tcp/connection.ts';
import { CaptureTrackers } from './capture-trackers.ts';
import { explainCaptures } from './explain-command.ts';

export interface ExportOptions {
  /** Finding id, as printed by `rstscope explain` and numbered in its --json document (#N). */
  finding?: number;
  /** "[C:]N": the connection holding frame N of capture C (default 0) — the `packets` of an
   *  --ndjson finding name them, whatever order the findings were streamed in. */
  frame?: string;
  /** "client-ip:port-server-ip:port" (either order; IPv6 in brackets: "[2001:db8::1]:443"). */
  connection?: string;
  /** Output file. */
  write: string;
  /** Default: pcapng when the output name ends in .pcapng or several captures are involved, else pcap. */
  format?: 'pcap' | 'pcapng';
  /** No summary line on stderr. */
  quiet?: boolean;
}

class ExportError extends Error {}

/** Parse "a:p-b:q" (also "a:p b:q" or "a:p,b:q") into two canonical endpoint texts. */
export function parseConnection(text: string): [string, string] {
  const parts = text.trim().split(/\s*(?:,|\s|(?<=:\d+)-(?=[[\d]))\s*/);
  if (parts.length !== 2) throw new ExportError(`--connection: expected "ip:port-ip:port", got ${text}`);
  return [canonicalEndpoint(parts[0]), canonicalEndpoint(parts[1])];
}

function canonicalEndpoint(text: string): string {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : Number.NaN;
  const addr = m ? parseAddress(m[1]) : null;
  if (addr === null || !Number.isInteger(port) || port > 65535)
    throw new ExportError(`--connection: not an address:port: ${text} (IPv6 as [2001:db8::1]:443)`);
  return formatEndpoint(addr.version, addr.words, port);
}

function tupleKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

function connectionKey(c: Connection): string {
  return tupleKey(c.client.endpointText, c.server.endpointText);
}

/** Frames that belong to a finding's connection(s); pattern findings bring their members'. */
function findingFrames(f: Finding, all: FindingSource): PacketRef[] {
  const own = (x: Finding): PacketRef[] => [
    ...x.packets,
    ...(x.ladder ?? []),
    ...(x.traceback?.trigger ? [x.traceback.trigger] : []),
  ];
  if (f.kind !== 'pattern') return own(f);
  const byId = new Map(all.heads.map((h) => [h.id, h]));
  return (f.related ?? []).flatMap((id) => {
    const h = byId.get(id);
    return h === undefined ? [] : own(all.finding(h));
  });
}

/** Parse "[C:]N" (capture C, default 0; frame N ≥ 1). */
export function parseFrame(text: string): PacketRef {
  const m = /^(?:(\d+):)?(\d+)$/.exec(text.trim());
  const frame = m ? Number(m[2]) : 0;
  if (m === null || frame < 1 || !Number.isSafeInteger(frame))
    throw new ExportError(`--frame: expected [CAPTURE:]FRAME, e.g. 12 or 1:12, got ${text}`);
  return { capture: m[1] === undefined ? 0 : Number(m[1]), frame };
}

/** What each capture of the run is (a file, or one vantage point of a pcapng file). */
interface CaptureName {
  /** if_name of its interface(s) in the exported file. */
  name: string;
}

/**
 * Reads the captures with a tracker per capture (numbered as runExplain numbers them, vantage
 * points inside a pcapng file included) and calls `each` with every TCP record and the
 * connection it belongs to.
 */
async function trackAll(
  paths: string[],
  each: (record: CaptureRecord, c: Connection) => void,
  names?: Map<number, CaptureName>,
): Promise<void> {
  const trackers = new CaptureTrackers();
  await readPackets(paths, {
    splitVantagePoints: true,
    onCaptureStart(capture, file, index) {
      trackers.start(capture, index);
      names?.set(capture, { name: path.basename(file) });
    },
    onTcp(record, view) {
      each(record, trackers.get(record.capture).packet(record, view));
    },
    onCaptureEnd(result) {
      trackers.end(result.summary.capture);
      if (result.point?.source !== null && result.point?.source !== undefined)
        names?.set(result.summary.capture, { name: result.point.source });
    },
  });
}

/** `rstscope export`: 0 when the file was written, 1 on any error (message on stderr). */
export async function exportCommand(paths: string[], opts: ExportOptions): Promise<number> {
  try {
    return await runExport(paths, opts);
  } catch (err) {
    if (err instanceof ExportError) {
      process.stderr.write(`rstscope export: ${sanitizeForTerminal(err.message)}\n`);
      return 1;
    }
    throw err;
  }
}

async function runExport(paths: string[], opts: ExportOptions): Promise<number> {
  const selectors = [opts.finding, opts.connection, opts.frame].filter((x) => x !== undefined).length;
  if (selectors !== 1)
    throw new ExportError('give exactly one of --finding N, --frame [C:]N or --connection "ip:port-ip:port"');
  if (paths.includes('-'))
    throw new ExportError('export reads the captures twice, so it needs files, not standard input');
  if (!opts.write) throw new ExportError('give the output file with -w FILE');

  // Which connections: by the frames of a finding, or by a 4-tuple.
  let wantFrame: ((capture: number, frame: number) => boolean) | null = null;
  let wantTuple: string | null = null;
  let what: string;
  let vantages = new Map<number, string>();
  if (opts.finding !== undefined) {
    const { findings, captures } = await explainCaptures(paths);
    let frames: Set<number>;
    let f: Finding;
    try {
      vantages = new Map(captures.flatMap((c) => (c.vantage !== undefined ? [[c.index, c.vantage]] : [])));
      const head = findings.heads.find((x) => x.id === opts.finding);
      if (head === undefined)
        throw new ExportError(
          `no finding #${opts.finding} (the captures have ${findings.length === 0 ? 'no findings' : `findings #1–#${findings.length}`})`,
        );
      f = findings.finding(head);
      frames = new Set(findingFrames(f, findings).map((r) => r.capture * 4294967296 + r.frame));
    } finally {
      findings.close();
    }
    if (frames.size === 0) throw new ExportError(`finding #${f.id} (${f.cause}) names no packets to export`);
    wantFrame = (capture, frame) => frames.has(capture * 4294967296 + frame);
    what = `finding #${f.id} (${f.cause})`;
  } else if (opts.frame !== undefined) {
    const ref = parseFrame(opts.frame);
    wantFrame = (capture, frame) => capture === ref.capture && frame === ref.frame;
    what = `the connection of frame ${ref.capture}:${ref.frame}`;
  } else {
    const [a, b] = parseConnection(opts.connection!);
    wantTuple = tupleKey(a, b);
    what = `connection ${a} ↔ ${b}`;
  }

  const chosen = new Set<number>();
  const checked = new Set<number>();
  await trackAll(paths, (record, c) => {
    if (chosen.has(c.id)) return;
    if (wantFrame !== null) {
      if (wantFrame(record.capture, record.frame)) chosen.add(c.id);
    } else if (!checked.has(c.id)) {
      checked.add(c.id);
      if (connectionKey(c) === wantTuple) chosen.add(c.id);
    }
  });
  if (chosen.size === 0) throw new ExportError(`no packets of ${what} in ${paths.join(', ')}`);

  // Which captures hold them decides the format, so count before writing.
  const captures = new Set<number>();
  const interfaceKeys: string[] = [];
  const names = new Map<number, CaptureName>();
  let nanoseconds = false;
  await trackAll(
    paths,
    (record, c) => {
      if (!chosen.has(c.id)) return;
      captures.add(record.capture);
      const key = `${record.capture}/${record.linkType}`;
      if (!interfaceKeys.includes(key)) interfaceKeys.push(key);
      if (record.tsNanos !== 0) nanoseconds = true;
    },
    names,
  );
  const format =
    opts.format ?? (captures.size > 1 || opts.write.toLowerCase().endsWith('.pcapng') ? 'pcapng' : 'pcap');
  if (format === 'pcap' && captures.size > 1)
    throw new ExportError(
      `${what} is in ${captures.size} captures; a pcap file holds one, use --format pcapng`,
    );

  let fd: number;
  try {
    fd = fs.openSync(opts.write, 'w');
  } catch (err) {
    throw new ExportError(`cannot write ${opts.write}: ${(err as Error).message}`);
  }
  let written = 0;
  try {
    if (format === 'pcap') {
      let writer: PcapWriter | null = null;
      let linkType = -1;
      await trackAll(paths, (record, c) => {
        if (!chosen.has(c.id)) return;
        if (writer === null) {
          linkType = record.linkType;
          writer = new PcapWriter({ linkType, fd, nanoseconds });
        }
        // A pcap file has one link type (pcap spec §4 "LinkType"); pcapng has one per interface.
        if (record.linkType !== linkType)
          throw new ExportError('the packets have several link types; use --format pcapng');
        writer.writeRecord(record);
        written++;
      });
      (writer as PcapWriter | null)?.close();
    } else {
      const writer = new PcapngWriter({ fd });
      writer.startSection({ userApplication: 'rstscope export' });
      // Every interface up front, in capture order: a reader knows the vantage points before the
      // first packet (and `explain --ndjson` can decide not to stream).
      const interfaces = new Map<string, number>();
      const ordered = [...interfaceKeys].sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]));
      for (const key of ordered) {
        const [capture, linkType] = key.split('/').map(Number);
        const name = names.get(capture)?.name ?? `capture ${capture}`;
        const vantage = vantages.get(capture) ?? null;
        interfaces.set(
          key,
          writer.addInterface({
            linkType,
            // Nanosecond resolution keeps the exact timestamps of ns captures (pcapng §4.2 if_tsresol).
            tsresol: 9,
            name,
            description: `${name}, capture ${capture} of the exporting run${vantage !== null && vantage !== 'unknown' ? `, taken ${vantage === 'between' ? 'between the hosts' : `near the ${vantage}`}` : ''}`,
            comment: vantageMark(capture, name, vantage),
          }),
        );
      }
      await trackAll(paths, (record, c) => {
        if (!chosen.has(c.id)) return;
        writer.writeRecord(interfaces.get(`${record.capture}/${record.linkType}`)!, record);
        written++;
      });
      writer.close();
    }
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(opts.write, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  if (!opts.quiet) {
    process.stderr.write(
      `rstscope: wrote ${written} packets of ${what} (${chosen.size} connection${chosen.size === 1 ? '' : 's'}, ${captures.size} capture${captures.size === 1 ? '' : 's'}) to ${sanitizeForTerminal(opts.write)} (${format})\n`,
    );
  }
  return 0;
}
