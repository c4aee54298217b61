import type { Evidence, Finding, PacketRef } from '../finding.ts';
import type { ConnectionMatch } from './correlate.ts';
import type { VantageIndex } from './cross-check.ts';
import { mergedLadders, multiCaptureLadder } from './ladder.ts';
import type { PacketGroup } from './packet-groups.ts';

/** Which connection (capture and tracker id) a reset or failure finding was made for. */
export interface FindingSource {
  capture: number;
  connectionId: number;
  tsMicros: number;
}

/** How a finding looked in one capture (raw clock, that capture's addresses): what the
 *  cross-connection patterns compare with that capture's connection sketches. */
export interface FindingView {
  capture: number;
  client: string;
  server: string;
  /** Seconds, on the capture's own clock. */
  time: number;
}

/**
 * One finding per event across captures:
 * - a reset packet seen at several captures (each made its own finding) becomes one finding,
 *   listing the packet in every capture where it was seen;
 * - forged resets toward both ends of a connection at the same moment (each capture sees the one
 *   that reached it) become one finding: the device that sent them did one thing;
 * - a failure without a reset (unanswered SYNs, retransmissions into the void, an unanswered
 *   request) seen at several captures of the same connection becomes one finding.
 * Then every finding on a connection several captures share is completed with what they show
 * together: the connection as each capture saw it (NAT), packets lost between them, a ladder from
 * all of them — and all its times are put on the reference clock.
 */
export function mergeAcrossCaptures(
  findings: Finding[],
  sources: Map<Finding, FindingSource>,
  vantages: VantageIndex,
): { findings: Finding[]; views: Map<Finding, FindingView> } {
  const parent = new Map<Finding, Finding>();
  const find = (f: Finding): Finding => {
    let p = parent.get(f) ?? f;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    parent.set(f, p);
    return p;
  };
  const union = (a: Finding, b: Finding) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const resets = findings.filter((f) => f.kind === 'reset');
  // 1. The same packet: a finding's own first packet listed by another finding.
  const owner = new Map<string, Finding>();
  for (const f of resets) {
    const src = sources.get(f);
    for (const p of f.packets) if (p.capture === src?.capture) owner.set(`${p.capture}:${p.frame}`, f);
  }
  for (const f of resets)
    for (const p of f.packets) {
      const o = owner.get(`${p.capture}:${p.frame}`);
      if (o !== undefined && o !== f) union(f, o);
    }
  // 2. Forged resets toward both ends: same connection, both middlebox, moments apart.
  const byMatch = new Map<ConnectionMatch, Finding[]>();
  for (const f of resets) {
    const src = sources.get(f);
    if (src === undefined || f.origin !== 'middlebox') continue;
    const m = vantages.matchOf(src.capture, src.connectionId);
    if (m !== undefined) push(byMatch, m, f);
  }
  for (const list of byMatch.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = sources.get(list[i])!;
        const b = sources.get(list[j])!;
        if (!vantages.aligned(a.capture, b.capture)) continue;
        const tb = vantages.convert(b.tsMicros, b.capture, a.capture);
        if (Math.abs(tb - a.tsMicros) < 100_000) union(list[i], list[j]);
      }
    }
  }
  // 3. Failures of one connection seen at several captures.
  const failureOf = new Map<ConnectionMatch, Finding>();
  for (const f of findings) {
    const src = sources.get(f);
    if (f.kind !== 'failure' || src === undefined) continue;
    const m = vantages.matchOf(src.capture, src.connectionId);
    if (m === undefined) continue;
    const first = failureOf.get(m);
    if (first === undefined) failureOf.set(m, f);
    else union(first, f);
  }

  const groups = new Map<Finding, Finding[]>();
  for (const f of findings) push(groups, f.kind === 'pattern' ? f : find(f), f);
  const out: Finding[] = [];
  const views = new Map<Finding, FindingView>();
  for (const members of groups.values()) {
    const merged = members.length === 1 ? members[0] : combine(members, sources, vantages);
    const src = sources.get(merged) ?? sources.get(members[0]);
    // Views for the patterns: the member from the first capture, before times move.
    const anchor = [...members].sort(
      (a, b) => (sources.get(a)?.capture ?? 0) - (sources.get(b)?.capture ?? 0),
    )[0];
    const anchorSrc = sources.get(anchor);
    views.set(merged, {
      capture: anchorSrc?.capture ?? anchor.packets[0]?.capture ?? 0,
      client: anchor.connection.client,
      server: anchor.connection.server,
      time: anchor.time,
    });
    if (src !== undefined) complete(merged, members, src, sources, vantages);
    out.push(merged);
  }
  return { findings: out, views };
}

/** Several findings of one event → one, built on the most certain of them. */
function combine(members: Finding[], sources: Map<Finding, FindingSource>, vantages: VantageIndex): Finding {
  // The representative: the most certain origin (the capture that saw the decisive evidence),
  // then the most certain cause, then the first capture.
  const rep = [...members].sort(
    (a, b) =>
      (b.originDetail?.confidence ?? 0) - (a.originDetail?.confidence ?? 0) ||
      b.confidence - a.confidence ||
      (sources.get(a)?.capture ?? 0) - (sources.get(b)?.capture ?? 0),
  )[0];
  const seen = new Set<string>();
  const packets: PacketRef[] = [];
  for (const f of [rep, ...members.filter((m) => m !== rep)]) {
    for (const p of f.packets) {
      const k = `${p.capture}:${p.frame}`;
      if (!seen.has(k)) {
        seen.add(k);
        packets.push(p);
      }
    }
  }
  const others = members.filter((m) => m !== rep);
  const stated = new Set(rep.evidence.map((e) => e.detail));
  const extra: Evidence[] = [];
  for (const o of others) {
    const capture = sources.get(o)?.capture ?? o.packets[0]?.capture;
    if (o.cause !== rep.cause || o.origin !== rep.origin) {
      extra.push({
        signal: 'other-vantage',
        detail: `${vantages.label(capture ?? 0)} alone judged this ${o.cause}${o.origin !== undefined ? ` from ${o.origin}` : ''} (${o.confidence})`,
        frames: o.packets.slice(0, 1),
      });
    }
    // What the other captures proved about their own reset (the second half of a both-ends
    // injection: its absence from the capture next to the host it names).
    if (o.origin !== 'middlebox' || rep.origin !== 'middlebox') continue;
    for (const e of o.evidence) {
      const absence =
        e.signal === 'vantage' || (e.signal === 'origin:vantage' && e.detail.startsWith('middlebox: '));
      if (absence && !stated.has(e.detail)) {
        stated.add(e.detail);
        extra.push(e);
      }
    }
  }
  const merged: Finding = { ...rep, packets, evidence: [...rep.evidence, ...extra] };
  const directions = new Set(
    members.filter((m) => m.kind === 'reset').map((m) => m.ladder?.find((r) => r.mark === 'reset')?.from),
  );
  if (rep.kind === 'reset' && rep.origin === 'middlebox' && directions.size > 1) {
    merged.summary = `A device on the path between ${rep.connection.client} and ${rep.connection.server} forged these resets, one toward each end; neither host sent the reset that carries its address.`;
  }
  sources.set(merged, sources.get(rep)!);
  return merged;
}

/**
 * What the captures show together about a finding on a shared connection, and its times on the
 * reference clock. `members` are the single-capture findings it was made from.
 */
function complete(
  f: Finding,
  members: readonly Finding[],
  src: FindingSource,
  sources: Map<Finding, FindingSource>,
  vantages: VantageIndex,
): void {
  const m = vantages.matchOf(src.capture, src.connectionId);
  const sketch = vantages.sketchOf(src.capture, src.connectionId);
  const absent = sketch === undefined ? [] : vantages.absentOnPath(src.capture, sketch, m);
  // Times: each member's on its own capture's clock → the reference.
  const toRef = (seconds: number, capture: number) =>
    Math.round(vantages.toReference(Math.round(seconds * 1e6), capture)) / 1e6;
  const rawTime = f.time;
  f.time = Math.min(...members.map((x) => toRef(x.time, sources.get(x)?.capture ?? src.capture)));
  if (f.traceback !== undefined) {
    const tb = { ...f.traceback };
    for (const k of ['trigger', 'lastClientData', 'lastServerData', 'lastRequest', 'response'] as const) {
      const p = tb[k];
      if (p !== null) (tb as Record<string, unknown>)[k] = { ...p, ts: toRef(p.ts, p.capture) };
    }
    f.traceback = tb;
  }
  retime(f, rawTime, toRef(rawTime, src.capture));

  if (m === undefined && absent.length === 0) {
    if (f.ladder !== undefined) f.ladder = mergedLadders([f], (ts, c) => vantages.toReference(ts, c));
    return;
  }
  if (m !== undefined && m.byCapture.size > 1) f.connection = { ...f.connection, asSeen: vantages.asSeen(m) };
  const groups = m !== undefined ? vantages.groups(m, absent) : null;
  const apps = new Map<string, string>();
  for (const x of members)
    for (const r of x.ladder ?? []) if (r.app !== undefined) apps.set(`${r.capture}:${r.frame}`, r.app);
  const ladder =
    groups !== null && m !== undefined
      ? multiCaptureLadder(groups, (c) => vantages.trailOf(m.byCapture.get(c)!)!, f.packets, apps)
      : null;
  if (ladder !== null) f.ladder = ladder;
  else if (f.ladder !== undefined) f.ladder = mergedLadders(members, (ts, c) => vantages.toReference(ts, c));
  if (groups !== null && m !== undefined) lossEvidence(f, groups, m, vantages);
}

/** Causes a lossy path explains: the next step is then the path, not the hosts. */
const LOSS_DRIVEN = new Set([
  'retransmission-exhausted',
  'retransmission-timeout',
  'keepalive-timeout',
  'zero-window-timeout',
  'syn-unanswered',
  'unexplained',
]);

function lossEvidence(
  f: Finding,
  groups: readonly PacketGroup[],
  m: ConnectionMatch,
  vantages: VantageIndex,
): void {
  const pairs = new Map<string, { from: number; to: number; fromClient: boolean; lost: PacketGroup[] }>();
  for (const g of groups) {
    if (g.lostBetween === null) continue;
    const [from, to] = g.lostBetween;
    const k = `${g.fromClient}|${from}|${to}`;
    const p = pairs.get(k);
    if (p === undefined) pairs.set(k, { from, to, fromClient: g.fromClient, lost: [g] });
    else p.lost.push(g);
  }
  if (pairs.size === 0) return;
  const ranked = [...pairs.values()].sort((a, b) => b.lost.length - a.lost.length);
  for (const p of ranked) {
    const side = p.fromClient ? 'client' : 'server';
    const passed = groups.filter(
      (g) => g.fromClient === p.fromClient && g.copies.some((c) => c.capture === p.from),
    );
    const frames: PacketRef[] = p.lost.slice(0, 8).map((g) => {
      const copy = g.copies[g.copies.length - 1];
      return {
        capture: copy.capture,
        frame: vantages.trailOf(m.byCapture.get(copy.capture)!)!.frame(copy.index),
      };
    });
    const first = p.lost[0];
    const when = new Date(Math.floor(first.tRef / 1000)).toISOString();
    f.evidence.push({
      signal: 'path-loss',
      detail: `${p.lost.length} of the ${side}'s ${passed.length} packets that passed ${vantages.label(p.from)} never reached ${vantages.label(p.to)}, which was recording then (the first sent at ${when}, frame ${frames[0].capture}:${frames[0].frame}): lost on the path between the two`,
      frames,
    });
  }
  if (LOSS_DRIVEN.has(f.cause)) {
    const top = ranked[0];
    const direction = top.fromClient ? 'client→server' : 'server→client';
    f.nextStep = `The path between ${vantages.label(top.from)} and ${vantages.label(top.to)} drops ${direction} packets (${top.lost.length} on this connection): look at the devices and links between those two points (drop counters, firewall rules and state, MTU, errors) — the hosts are not the cause.`;
  }
}

/** Times written into texts by the cause rules (ISO, ms) follow the finding onto the reference clock. */
function retime(f: Finding, rawSeconds: number, refSeconds: number): void {
  if (rawSeconds === refSeconds) return;
  const from = new Date(Math.floor(Math.round(rawSeconds * 1e6) / 1000)).toISOString();
  const to = new Date(Math.floor(Math.round(refSeconds * 1e6) / 1000)).toISOString();
  if (from === to) return;
  f.summary = f.summary.replaceAll(from, to);
  f.nextStep = f.nextStep.replaceAll(from, to);
  f.evidence = f.evidence.map((e) =>
    e.detail.includes(from) ? { ...e, detail: e.detail.replaceAll(from, to) } : e,
  );
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
