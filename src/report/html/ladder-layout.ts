/**
 * Geometry of a ladder (sequence) diagram, as engineers know it from Wireshark's flow graph:
 * a vertical line per endpoint, time going down, one slanted arrow per packet.
 *
 * This is a pure function with no runtime imports and no closure: the page script embeds its source
 * (`ladderLayout.toString()`), so the browser and the unit tests run the same code. Keep it
 * self-contained and free of TypeScript-only syntax other than type annotations.
 *
 * Choices, with their reasons:
 *   - Sequence and acknowledgement numbers are shown relative to each side's first sequence
 *     number seen (its ISN when the SYN is in the ladder), as Wireshark does by default
 *     (tcp.relative_sequence_numbers); the raw numbers are in the hover title. Arithmetic is
 *     modulo 2^32 (RFC 9293 §3.4).
 *   - A retransmission is a segment from the same side, in the same capture, repeating the
 *     sequence number of an earlier segment that occupied sequence space (data, SYN or FIN); it
 *     is drawn dashed. (The same packet recorded by two captures is one rung with `seenAt`.)
 *   - A middle line stands for the path: drawn when a device on the path is part of the finding
 *     (a reset born there, a SYN a firewall answered) or when the packets were seen from
 *     vantage points on both sides of it. A reset whose origin is a middlebox starts on it, not
 *     at the endpoint whose address it carries: that is the finding's claim, and the picture
 *     should show it. A packet the device answered in the server's place (firewall-reject,
 *     idle-timeout) ends on it.
 *   - Each capture is a vantage point: a tap on the client's line, the server's line or the
 *     path's, marked at the top. A dot where an arrow crosses a tap says "this capture saw it";
 *     an arrow that no capture on the receiver's side saw (`lost`) ends short, with a cross,
 *     halfway between the last tap that saw it and the next one that did not.
 *   - Labels sit above their arrow, never on it, with a halo so the middle line does not run
 *     through the text.
 *   - Packets the bounded history left out (gapBefore) get a break mark; a pause longer than a
 *     second, or much longer than the connection's usual spacing, gets a labelled spacer, so
 *     that an idle timeout is visible instead of being one more row.
 */
import type { RungOf } from './model.ts';

/** A rung as the page holds it: see RungOf in model.ts, with the app summary as a string. */
export type LadderRung = RungOf<string>;

export type Vantage = 'client' | 'server' | 'between' | 'unknown';

export interface LadderContext {
  /** Who sent the finding's reset: the reset arrow starts on that line. */
  origin: 'client' | 'server' | 'middlebox' | 'unknown' | null;
  /** A device on the path is part of the finding (origin middlebox, or a middlebox cause). */
  device: boolean;
  /** The packet a device answered in the server's place: its arrow ends on the middle line. */
  stopAtMiddle: number | null;
  /** Vantage of each capture of the report, by index (absent: unknown). */
  vantages: (Vantage | undefined)[];
  /**
   * Captures that were recording over the whole time of this ladder. When the rungs say where
   * each packet was seen, one with a known vantage gets a tap even if it saw none of them: that
   * absence is the point (a firewall's reject never reaches the server's capture).
   */
  covering: number[];
}

export interface LadderTap {
  capture: number;
  vantage: Vantage;
  x: number;
}

export interface LadderArrow {
  kind: 'packet';
  y: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Arrowhead triangle, "x,y x,y x,y" (none for a lost packet: it gets `lostAt`). */
  head: string;
  /** 'reset', 'finding', 'retrans' or ''; plus ' lost' when no capture on the far side saw it. */
  cls: string;
  label: string;
  labelX: number;
  labelY: number;
  /** SVG text-anchor of the label: centred on the arrow, or from its start when wider. */
  anchor: 'middle' | 'start' | 'end';
  appY: number;
  app: string;
  /** Left column: frame reference and time since the first packet of the ladder. */
  frame: number;
  time: string;
  /** Raw values for the hover title. */
  title: string;
  /** Dots where a capture saw this packet: [x, y, capture]. */
  seen: [number, number, number][];
  /** Where a lost packet's arrow ends (a cross is drawn there). */
  lostAt: [number, number] | null;
  /** The reset was born on the middle line (a marker at the arrow's start). */
  born: boolean;
  /** The arrow ends on the middle line: a device answered it. */
  stopped: boolean;
}

export interface LadderMark {
  kind: 'gap' | 'spacer';
  y: number;
  height: number;
  label: string;
}

export interface LadderLayout {
  width: number;
  height: number;
  top: number;
  lanes: { client: number; server: number; middle: number | null };
  /** Middle line's name: 'middlebox' when a device is part of the finding, else 'path'. */
  middleName: string;
  taps: LadderTap[];
  rows: (LadderArrow | LadderMark)[];
}

export function ladderLayout(rungs: LadderRung[], context: LadderContext): LadderLayout {
  const width = 780;
  const client = 200;
  const server = 680;
  const centre = Math.round((client + server) / 2);
  const TAP_STEP = 26;
  const vantageOf = (capture: number): Vantage => context.vantages[capture] ?? 'unknown';
  const captureOf = (ref: number): number => Math.floor(ref / 4294967296);

  // The captures this ladder involves: where its rungs were read, and where else each was seen.
  const involved: number[] = [];
  const note = (c: number): void => {
    if (involved.indexOf(c) < 0) involved.push(c);
  };
  for (const r of rungs) {
    note(captureOf(r[0]));
    const also = r[13];
    if (also) for (const c of also) note(c);
  }
  // Only when the rungs say which captures saw each packet (lost/seenAt) does a capture without
  // a dot mean "not seen there"; without that, a tap with no dots would tell a false story.
  let perPacket = false;
  for (const r of rungs) if (r.length > 12) perPacket = true;
  if (perPacket) for (const c of context.covering) if (vantageOf(c) !== 'unknown') note(c);
  involved.sort((a, b) => a - b);
  const sides: string[] = [];
  for (const c of involved) {
    const v = vantageOf(c);
    if (v !== 'unknown' && sides.indexOf(v) < 0) sides.push(v);
  }
  // The report's vantage points differ for this ladder (captures on both sides of the path were
  // recording it) even when the rungs do not say which capture saw which packet.
  for (const c of context.covering) {
    const v = vantageOf(c);
    if (v !== 'unknown' && sides.indexOf(v) < 0) sides.push(v);
  }
  const hasMiddle =
    context.device || context.stopAtMiddle !== null || sides.length > 1 || sides.indexOf('between') >= 0;
  const middle = hasMiddle ? centre : null;

  // Taps: on the client's line (then inwards), on the server's line (then inwards), on the path.
  // Captures are usually named in path order (client, router…, server), so on the server's side
  // the last one sits on the server's line.
  const taps: LadderTap[] = [];
  const count: Record<string, number> = { client: 0, server: 0, between: 0 };
  const onSide = (v: string): number => involved.filter((c) => vantageOf(c) === v).length;
  const betweenTotal = onSide('between');
  const serverTotal = onSide('server');
  for (const c of involved) {
    const v = vantageOf(c);
    if (v === 'unknown') continue;
    const n = count[v]++;
    const k = v === 'server' ? serverTotal - 1 - n : n;
    const x =
      v === 'client'
        ? client + k * TAP_STEP
        : v === 'server'
          ? server - k * TAP_STEP
          : centre + Math.round((k - (betweenTotal - 1) / 2) * TAP_STEP);
    taps.push({ capture: c, vantage: v, x });
  }
  const tapX = (c: number): number | null => {
    for (const t of taps) if (t.capture === c) return t.x;
    return null;
  };
  const top = taps.length > 0 ? 52 : 34;

  const rows: (LadderArrow | LadderMark)[] = [];
  const base: (number | null)[] = [null, null];
  for (const r of rungs) if (base[r[2]] === null) base[r[2]] = r[4];
  const rel = (value: number, side: 0 | 1): number => {
    const b = base[side];
    return b === null ? value : (value - b) >>> 0;
  };
  const deltas: number[] = [];
  for (let i = 1; i < rungs.length; i++) deltas.push(rungs[i][1] - rungs[i - 1][1]);
  const sorted = deltas.slice().sort((a, b) => a - b);
  const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : 0;
  const seenSegments = new Set<string>();
  const t0 = rungs.length > 0 ? rungs[0][1] : 0;
  const seconds = (us: number): string => {
    const s = us / 1e6;
    if (s >= 60) return `${(s / 60).toFixed(1)} min`;
    if (s >= 1) return `${s.toFixed(2)} s`;
    if (s >= 0.001) return `${(s * 1000).toFixed(1)} ms`;
    return `${Math.round(us)} µs`;
  };
  const captureName = (c: number): string => {
    const v = vantageOf(c);
    return `capture ${c}${v === 'unknown' ? '' : v === 'between' ? ' (on the path)' : ` (${v} side)`}`;
  };
  let y = top;
  for (let i = 0; i < rungs.length; i++) {
    const r = rungs[i];
    if (r[11] === 1) {
      rows.push({ kind: 'gap', y, height: 20, label: 'packets not kept here (bounded history)' });
      y += 20;
    }
    if (i > 0) {
      const dt = r[1] - rungs[i - 1][1];
      if (dt >= 1_000_000 || (dt >= 100_000 && dt > 20 * median)) {
        rows.push({ kind: 'spacer', y, height: 26, label: `${seconds(dt)} later` });
        y += 26;
      }
    }
    const from = r[2];
    const flags = r[3];
    const len = r[6];
    const capture = captureOf(r[0]);
    const isReset = flags.indexOf('R') >= 0;
    const occupies = len > 0 || flags.indexOf('S') >= 0 || flags.indexOf('F') >= 0;
    const key = `${capture}:${from}:${r[4]}:${flags.indexOf('S') >= 0 ? 'S' : ''}`;
    let cls = r[10] === 1 ? 'reset' : r[10] === 2 ? 'finding' : '';
    let retrans = false;
    if (occupies && !isReset) {
      if (seenSegments.has(key)) retrans = true;
      seenSegments.add(key);
    }
    if (retrans && cls === '') cls = 'retrans';
    const own = from === 0 ? client : server;
    const peer = from === 0 ? server : client;
    // The finding's reset starts where it was born: on the middle line for a middlebox.
    const x1 = middle !== null && r[10] === 1 && context.origin === 'middlebox' ? middle : own;
    const born = x1 === middle;
    const dir = peer > x1 ? 1 : -1;
    const seenBy: number[] = [capture];
    const also = r[13];
    if (also) for (const c of also) if (seenBy.indexOf(c) < 0) seenBy.push(c);
    // Did a capture beyond the middle line (towards the receiver) see it?
    const farSide = (x: number): boolean => (middle === null ? false : (x - middle) * dir > 0);
    let seenFar = false;
    for (const c of seenBy) {
      const x = tapX(c);
      if (x !== null && farSide(x)) seenFar = true;
    }
    const stopped = middle !== null && context.stopAtMiddle === r[0] && !seenFar;
    const lost = r[12] === 1;
    let x2 = stopped && middle !== null ? middle : peer;
    let lostAt: [number, number] | null = null;
    const y1 = y + 14;
    const fullY2 = y1 + 12;
    const yAt = (x: number): number => y1 + ((fullY2 - y1) * (x - x1)) / (peer - x1);
    if (lost) {
      // Halfway between the farthest tap that saw it and the nearest one beyond that did not
      // (or the receiver's line).
      let reached = x1;
      for (const c of seenBy) {
        const x = tapX(c);
        if (x !== null && (x - reached) * dir > 0 && (peer - x) * dir >= 0) reached = x;
      }
      let missed = peer;
      for (const t of taps) {
        if (seenBy.indexOf(t.capture) >= 0) continue;
        if ((t.x - reached) * dir > 0 && (missed - t.x) * dir > 0) missed = t.x;
      }
      x2 = Math.round((reached + missed) / 2);
      lostAt = [x2, yAt(x2)];
      cls = cls === '' ? 'lost' : `${cls} lost`;
    }
    const y2 = yAt(x2);
    const head = lost ? '' : `${x2},${y2} ${x2 - dir * 9},${y2 - 6} ${x2 - dir * 7},${y2 + 2}`;
    const seen: [number, number, number][] = [];
    for (const c of seenBy) {
      const x = tapX(c);
      if (x === null) continue;
      // Only where the arrow actually passes (a tap behind its start or beyond its end did not
      // see this packet there; the title still lists the capture).
      if ((x - x1) * dir < 0 || (x2 - x) * dir < 0) continue;
      seen.push([x, yAt(x), c]);
    }
    let label = `${flags} seq=${rel(r[4], from)}`;
    if (flags.indexOf('A') >= 0) label += ` ack=${rel(r[5], from === 0 ? 1 : 0)}`;
    label += ` len=${len}`;
    if (r[7] === 0 && !isReset) label += ' win=0';
    const notes: string[] = [];
    if (retrans) notes.push('retransmission');
    if (lost) notes.push('lost');
    if (notes.length > 0) label += ` (${notes.join(', ')})`;
    const app = r[9] ?? '';
    let title =
      `frame ${r[0] % 4294967296}${taps.length > 0 || involved.length > 1 ? ` of capture ${capture}` : ''}` +
      ` · +${((r[1] - t0) / 1e6).toFixed(6)} s · ${from === 0 ? 'client' : 'server'} ${flags}` +
      ` · seq ${r[4]} · ack ${r[5]} · len ${len} · win ${r[7]} · ttl ${r[8]}${app ? ` · ${app}` : ''}`;
    if (seenBy.length > 1 || taps.length > 1) title += ` · seen at ${seenBy.map(captureName).join(', ')}`;
    if (lost) {
      const missing = involved.filter((c) => seenBy.indexOf(c) < 0).map(captureName);
      title += ` · lost: never seen${missing.length > 0 ? ` at ${missing.join(', ')}` : ' on the receiving side'}`;
    }
    if (stopped) title += ' · answered by a device on the path, not by the server';
    if (born) title += ' · this reset was born on the path';
    // A label wider than its arrow (a lost packet's short arrow) starts at the sender instead
    // of overflowing on both sides: ~6.6 px per character of the 11 px monospace font.
    const fits = label.length * 6.6 + 12 <= Math.abs(x2 - x1);
    const labelX = fits ? Math.round((x1 + x2) / 2) : x1 + dir * 6;
    const anchor = fits ? 'middle' : dir > 0 ? 'start' : 'end';
    rows.push({
      kind: 'packet',
      y,
      x1,
      y1,
      x2,
      y2,
      head,
      cls,
      label,
      labelX,
      labelY: y + 10,
      anchor,
      // The application summary just under the middle of its arrow, closer to it than to the
      // next row's label.
      appY: Math.round((y1 + y2) / 2 + 13),
      app,
      frame: r[0],
      time: `+${((r[1] - t0) / 1e6).toFixed(6)}`,
      title,
      seen,
      lostAt,
      born,
      stopped,
    });
    y += app ? 42 : 32;
  }
  return {
    width,
    height: y + 10,
    top,
    lanes: { client, server, middle },
    middleName: context.device || context.stopAtMiddle !== null ? 'middlebox' : 'path',
    taps,
    rows,
  };
}
