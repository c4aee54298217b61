import { flagLetters } from '../../decode/tcp-flags.ts';
import type { Finding, PacketRef } from '../finding.ts';
import type { PacketGroup } from './packet-groups.ts';
import type { PacketTrail } from './packet-trail.ts';

type Rung = NonNullable<Finding['ladder']>[number];

/** Bounds like the single-capture ladder's: the handshake, the run-up to the finding, what followed. */
const HEAD = 8;
const BEFORE = 40;
const AFTER = 16;

/**
 * The ladder of a connection seen at several captures: one rung per packet (its copies at other
 * points folded into `seenAt`), drawn as captured nearest its sender, times on the reference
 * clock. The finding's own packets are marked; application summaries come from the members'
 * single-capture ladders (same bytes at every point).
 */
export function multiCaptureLadder(
  groups: readonly PacketGroup[],
  trailAt: (capture: number) => PacketTrail,
  marked: readonly PacketRef[],
  apps: ReadonlyMap<string, string>,
): Rung[] | null {
  const markedSet = new Set(marked.map((p) => `${p.capture}:${p.frame}`));
  const rungs: Rung[] = [];
  const isMarked: boolean[] = [];
  for (const g of groups) {
    const lead = g.copies[0];
    const t = trailAt(lead.capture);
    const i = lead.index;
    const rung: Rung = {
      capture: lead.capture,
      frame: t.frame(i),
      ts: Math.round(g.tRef) / 1e6,
      from: t.fromClient(i) ? 'client' : 'server',
      flags: flagLetters(t.flags(i)),
      seq: t.seq(i),
      ack: t.ack(i),
      len: t.len(i),
      win: t.window(i),
      ttl: t.ttl(i),
    };
    let app: string | undefined;
    let mark = false;
    for (const c of g.copies) {
      const k = `${c.capture}:${trailAt(c.capture).frame(c.index)}`;
      app ??= apps.get(k);
      if (markedSet.has(k)) mark = true;
    }
    if (app !== undefined) rung.app = app;
    if (mark) rung.mark = (t.flags(i) & 0x4) !== 0 ? 'reset' : 'finding';
    if (g.lostBetween !== null) rung.lost = true;
    const seenAt = [...new Set(g.copies.map((c) => c.capture))].sort((a, b) => a - b);
    if (seenAt.length > 1) rung.seenAt = seenAt;
    rungs.push(rung);
    isMarked.push(mark);
  }
  const first = isMarked.indexOf(true);
  if (first < 0) return null;
  const last = isMarked.lastIndexOf(true);
  const keep = new Uint8Array(rungs.length);
  for (let i = 0; i < Math.min(HEAD, rungs.length); i++) keep[i] = 1;
  for (let i = Math.max(0, first - 4); i <= Math.min(rungs.length - 1, first + 4); i++) keep[i] = 1;
  for (let i = Math.max(0, last - BEFORE); i <= Math.min(rungs.length - 1, last + AFTER); i++) keep[i] = 1;
  const out: Rung[] = [];
  let skipped = false;
  rungs.forEach((r, i) => {
    if (keep[i] === 0) {
      skipped = true;
      return;
    }
    if (skipped) r.gapBefore = true;
    skipped = false;
    out.push(r);
  });
  return out;
}

/** Without complete packet trails: the members' own ladders, merged and put on one clock. */
export function mergedLadders(
  members: readonly Finding[],
  toReference: (ts: number, capture: number) => number,
): Rung[] {
  const seen = new Set<string>();
  const out: Rung[] = [];
  for (const f of members) {
    for (const r of f.ladder ?? []) {
      const k = `${r.capture}:${r.frame}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ ...r, ts: Math.round(toReference(Math.round(r.ts * 1e6), r.capture)) / 1e6 });
    }
  }
  return out.sort((a, b) => a.ts - b.ts || a.capture - b.capture || a.frame - b.frame);
}
