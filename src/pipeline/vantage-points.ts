import { readCapture } from '../capture/read-capture.ts';
import type { CaptureInterface } from '../capture/record.ts';
import { decodeFrame } from '../decode/decode-frame.ts';
import { PacketView, TcpFlag } from '../decode/packet-view.ts';

/**
 * Several vantage points in one pcapng file. A file written by `rstscope export` holds one
 * interface per original capture, each marked with a comment naming it (VANTAGE_MARK); dumpcap
 * run on a router with `-i a -i b` writes one interface per NIC, and the same connections cross
 * both. Either way each interface is a separate point of observation, and analysing them as one
 * capture would see every packet twice. So such interfaces become captures of their own ("points"),
 * keeping the file's frame numbers (what Wireshark shows for that file).
 *
 * Interfaces carrying unrelated traffic (a file merged from captures of different links, as
 * mergecap makes) stay together as the file's one capture, exactly as before.
 */

/** The opt_comment `rstscope export` puts on each interface: the capture index and its name. */
export const VANTAGE_MARK = 'rstscope vantage point';

/** `rstscope vantage point 2: server.pcap (server)` → capture 2, server.pcap, server. */
export function vantageMark(capture: number, source: string, vantage: string | null): string {
  return `${VANTAGE_MARK} ${capture}: ${source}${vantage !== null ? ` (${vantage})` : ''}`;
}

export interface ParsedMark {
  capture: number;
  source: string;
  vantage: 'client' | 'server' | 'between' | null;
}

export function parseVantageMark(comment: string | null): ParsedMark | null {
  if (comment === null || !comment.startsWith(VANTAGE_MARK)) return null;
  const m = /^rstscope vantage point (\d{1,6}): (.*?)(?: \((client|server|between|unknown)\))?$/s.exec(
    comment,
  );
  if (m === null) return null;
  const v = m[3];
  return {
    capture: Number(m[1]),
    source: m[2],
    vantage: v === 'client' || v === 'server' || v === 'between' ? v : null,
  };
}

/** How the interfaces of one file map to points (captures of the run). */
export interface SplitPlan {
  /** Interfaces ("section/id") that must be separate points although unmarked: they share
   *  connections with another interface of the file. */
  separate: Set<string>;
}

/** What one point of a file is, for reports. */
export interface PointInfo {
  /** Index of the capture in the run. */
  capture: number;
  /** Interface ids (of their sections) that feed it; empty when it is the whole file. */
  interfaces: number[];
  /** The original capture's name (marked interfaces) or the interface's name. */
  source: string | null;
  /** The vantage the exporting run had found for it (marked interfaces only). */
  vantage: ParsedMark['vantage'];
}

const EMPTY_PLAN: SplitPlan = { separate: new Set() };
/** Vantage points one file may hold: every pair of points is compared later, and a hostile file
 *  can declare 65536 interfaces. Interfaces beyond stay with the file's own capture. */
export const MAX_POINTS_PER_FILE = 32;
/** A connection is identified across interfaces by its SYN's ISN and ports; a few thousand
 *  connections per interface are plenty to see whether two interfaces share traffic. */
const MAX_SYNS_PER_INTERFACE = 50_000;

/**
 * For a file (not standard input, which can be read once only): does it declare several unmarked
 * interfaces whose SYNs are the same packets? A first look stops at the first packet (interfaces
 * are declared before their packets, and dumpcap/mergecap declare them all up front); only a file
 * with several unmarked interfaces is read through once more, decoding SYNs only.
 */
export async function planSplit(path: string): Promise<SplitPlan> {
  if (path === '-') return EMPTY_PLAN;
  const unmarked: CaptureInterface[] = [];
  const STOP = new Error('first packet');
  try {
    await readCapture(
      path,
      0,
      () => {
        throw STOP;
      },
      {
        onInterface: (i) => {
          if (parseVantageMark(i.comment) === null) unmarked.push(i);
        },
      },
    );
  } catch (err) {
    if (err !== STOP) return EMPTY_PLAN; // unreadable: the real read reports it
  }
  if (unmarked.length < 2) return EMPTY_PLAN;
  const syns = new Map<string, Set<number>>();
  let section = 0;
  const view = new PacketView();
  try {
    await readCapture(
      path,
      0,
      (r) => {
        decodeFrame(view, r.data, r.offset, r.capturedLength, r.linkType, r.originalLength);
        if (view.status !== 'tcp' || (view.flags & (TcpFlag.SYN | TcpFlag.ACK)) !== TcpFlag.SYN) return;
        const key = `${section}/${r.interfaceId}`;
        let set = syns.get(key);
        if (set === undefined) {
          set = new Set();
          syns.set(key, set);
        }
        // ISN and destination port: unchanged by NAT in between.
        if (set.size < MAX_SYNS_PER_INTERFACE) set.add(view.seq * 65536 + view.dport);
      },
      {
        onInterface: (i) => {
          section = i.section;
        },
      },
    );
  } catch {
    return EMPTY_PLAN;
  }
  const separate = new Set<string>();
  const keys = [...syns.keys()].slice(0, MAX_POINTS_PER_FILE);
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const a = syns.get(keys[i])!;
      const b = syns.get(keys[j])!;
      const [small, large] = a.size <= b.size ? [a, b] : [b, a];
      for (const k of small) {
        if (large.has(k)) {
          separate.add(keys[i]);
          separate.add(keys[j]);
          break;
        }
      }
    }
  }
  return { separate };
}

/**
 * Assigns the records of one file to points, numbering new points from `firstIndex` in the order
 * the file declares them (deterministic, so `explain` and `export` agree on capture numbers).
 */
export class PointSplitter {
  readonly points: PointInfo[] = [];
  private readonly plan: SplitPlan;
  private readonly firstIndex: number;
  /** Interface id of the current section → point (index into `points`). */
  private byInterface: number[] = [];
  private readonly byGroup = new Map<string, number>();
  private section = 0;
  private readonly onNewPoint: (p: PointInfo) => void;

  constructor(firstIndex: number, plan: SplitPlan, onNewPoint: (p: PointInfo) => void) {
    this.firstIndex = firstIndex;
    this.plan = plan;
    this.onNewPoint = onNewPoint;
  }

  interfaceDeclared(i: CaptureInterface): void {
    if (i.section !== this.section) {
      this.section = i.section;
      this.byInterface = []; // interface ids restart in each section (pcapng spec 4.1)
    }
    const full = this.points.length >= MAX_POINTS_PER_FILE;
    const mark = parseVantageMark(i.comment);
    const own = this.plan.separate.has(`${i.section}/${i.id}`);
    let group = mark !== null ? `mark:${mark.capture}` : own ? `if:${i.section}/${i.id}` : 'file';
    if (full && !this.byGroup.has(group)) group = 'file';
    let point = this.byGroup.get(group);
    if (point === undefined) {
      point = this.add({
        capture: this.firstIndex + this.points.length,
        interfaces: [],
        source: mark?.source ?? (own ? i.name : null),
        vantage: mark?.vantage ?? null,
      });
      this.byGroup.set(group, point);
    }
    this.points[point].interfaces.push(i.id);
    this.byInterface[i.id] = point;
  }

  /** The capture index of a record of this interface. */
  captureOf(interfaceId: number): number {
    const p = this.byInterface[interfaceId];
    return this.points[p ?? this.fileGroup()].capture;
  }

  /** Every point of the file, the whole-file one created if the file declared none. */
  finish(): PointInfo[] {
    if (this.points.length === 0) this.fileGroup();
    return this.points;
  }

  /** Whether the file was split into several points. */
  get split(): boolean {
    return this.points.length > 1 || this.points.some((p) => p.source !== null);
  }

  private fileGroup(): number {
    let point = this.byGroup.get('file');
    if (point === undefined) {
      point = this.add({
        capture: this.firstIndex + this.points.length,
        interfaces: [],
        source: null,
        vantage: null,
      });
      this.byGroup.set('file', point);
    }
    return point;
  }

  private add(p: PointInfo): number {
    this.points.push(p);
    this.onNewPoint(p);
    return this.points.length - 1;
  }
}
