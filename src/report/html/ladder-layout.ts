/**
 * Geometry of a ladder (sequence) diagram, as engineers know it from Wireshark's flow graph:
 * a vertical line per endpoint, time going down, one slanted arrow per packet.
 *
 * This is a pure function with no imports and no closure: the page script embeds its source
 * (`ladderLayout.toString()`), so the browser and the unit tests run the same code. Keep it
 * self-contained and free of TypeScript-only syntax other than type annotations.
 *
 * Choices, with their reasons:
 *   - Sequence and acknowledgement numbers are shown relative to each side's first sequence
 *     number seen (its ISN when the SYN is in the ladder), as Wireshark does by default
 *     (tcp.relative_sequence_numbers); the raw numbers are in the hover title. Arithmetic is
 *     modulo 2^32 (RFC 9293 §3.4).
 *   - A retransmission is a segment from the same side repeating the sequence number of an
 *     earlier segment that occupied sequence space (data, SYN or FIN); it is drawn dashed.
 *   - A reset whose origin is a middlebox starts at a middle line, not at the endpoint whose
 *     address it carries: that is the finding's claim, and the picture should show it.
 *   - Packets the bounded history left out (gapBefore) get a break mark; a pause longer than a
 *     second, or much longer than the connection's usual spacing, gets a labelled spacer, so
 *     that an idle timeout is visible instead of being one more row.
 */

/** [ref, µs offset, from (0 client, 1 server), flags, seq, ack, len, win, ttl, app, mark, gapBefore] */
export type LadderRung = [
  number,
  number,
  0 | 1,
  string,
  number,
  number,
  number,
  number,
  number,
  string | null,
  0 | 1 | 2,
  0 | 1,
];

export interface LadderArrow {
  kind: 'packet';
  y: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Arrowhead triangle, "x,y x,y x,y". */
  head: string;
  /** 'reset', 'finding', 'retrans' or ''. */
  cls: string;
  label: string;
  app: string;
  /** Left column: frame reference and time since the first packet of the ladder. */
  frame: number;
  time: string;
  /** Raw values for the hover title. */
  title: string;
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
  rows: (LadderArrow | LadderMark)[];
}

export function ladderLayout(rungs: LadderRung[], middlebox: boolean): LadderLayout {
  const width = 780;
  const top = 34;
  const client = 200;
  const server = 680;
  const middle = middlebox ? Math.round((client + server) / 2) : null;
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
  const seen = new Set<string>();
  const t0 = rungs.length > 0 ? rungs[0][1] : 0;
  const seconds = (us: number): string => {
    const s = us / 1e6;
    if (s >= 60) return `${(s / 60).toFixed(1)} min`;
    if (s >= 1) return `${s.toFixed(2)} s`;
    if (s >= 0.001) return `${(s * 1000).toFixed(1)} ms`;
    return `${Math.round(us)} µs`;
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
    const occupies = len > 0 || flags.indexOf('S') >= 0 || flags.indexOf('F') >= 0;
    const key = `${from}:${r[4]}:${flags.indexOf('S') >= 0 ? 'S' : ''}`;
    let cls = r[10] === 1 ? 'reset' : r[10] === 2 ? 'finding' : '';
    let retrans = false;
    if (occupies && flags.indexOf('R') < 0) {
      if (seen.has(key)) retrans = true;
      seen.add(key);
    }
    if (retrans && cls === '') cls = 'retrans';
    const own = from === 0 ? client : server;
    const peer = from === 0 ? server : client;
    const x1 = middle !== null && r[10] === 1 ? middle : own;
    const x2 = peer;
    const y1 = y + 8;
    const y2 = y1 + 14;
    const dir = x2 > x1 ? 1 : -1;
    const head = `${x2},${y2} ${x2 - dir * 9},${y2 - 6} ${x2 - dir * 7},${y2 + 2}`;
    let label = `${flags} seq=${rel(r[4], from)}`;
    if (flags.indexOf('A') >= 0) label += ` ack=${rel(r[5], from === 0 ? 1 : 0)}`;
    label += ` len=${len}`;
    if (r[7] === 0 && flags.indexOf('R') < 0) label += ' win=0';
    if (retrans) label += ' (retransmission)';
    const app = r[9] ?? '';
    const title =
      `frame ${r[0] % 4294967296} · +${((r[1] - t0) / 1e6).toFixed(6)} s · ${from === 0 ? 'client' : 'server'} ${flags}` +
      ` · seq ${r[4]} · ack ${r[5]} · len ${len} · win ${r[7]} · ttl ${r[8]}${app ? ` · ${app}` : ''}`;
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
      app,
      frame: r[0],
      time: `+${((r[1] - t0) / 1e6).toFixed(6)}`,
      title,
    });
    y += app ? 44 : 30;
  }
  return { width, height: y + 10, top, lanes: { client, server, middle }, rows };
}
