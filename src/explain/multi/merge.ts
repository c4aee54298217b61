import type { Finding } from '../finding.ts';
import type { VantageIndex } from './cross-check.ts';

/** Which connection (capture and tracker id) a reset finding was made for. */
export interface FindingSource {
  capture: number;
  connectionId: number;
  tsMicros: number;
}

/**
 * One finding per reset across captures: findings made from different captures for the same reset
 * packet become one, listing the packet in every capture where it was seen; and forged resets
 * toward both ends of the same connection at the same moment (each capture sees the one that
 * reached it) become one finding, as the device that sent them did one thing.
 */
export function mergeAcrossCaptures(
  findings: Finding[],
  sources: Map<Finding, FindingSource>,
  vantages: VantageIndex,
): Finding[] {
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
  const byMatch = new Map<unknown, Finding[]>();
  for (const f of resets) {
    const src = sources.get(f);
    if (src === undefined || f.origin !== 'middlebox') continue;
    const m = vantages.matchOf(src.capture, src.connectionId);
    if (m === undefined) continue;
    const list = byMatch.get(m) ?? [];
    list.push(f);
    byMatch.set(m, list);
  }
  for (const list of byMatch.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = sources.get(list[i])!;
        const b = sources.get(list[j])!;
        const tb = vantages.convert(b.tsMicros, b.capture, a.capture);
        if (Math.abs(tb - a.tsMicros) < 100_000) union(list[i], list[j]);
      }
    }
  }
  const groups = new Map<Finding, Finding[]>();
  for (const f of findings) {
    const r = f.kind === 'reset' ? find(f) : f;
    const list = groups.get(r) ?? [];
    list.push(f);
    groups.set(r, list);
  }
  const out: Finding[] = [];
  for (const members of groups.values()) {
    if (members.length === 1) {
      out.push(members[0]);
      continue;
    }
    // The representative: the most certain origin (the capture that saw the decisive evidence).
    const rep = [...members].sort(
      (a, b) =>
        (b.originDetail?.confidence ?? 0) - (a.originDetail?.confidence ?? 0) || b.confidence - a.confidence,
    )[0];
    const seen = new Set<string>();
    const packets = [];
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
    const merged: Finding = {
      ...rep,
      packets,
      evidence: [
        ...rep.evidence,
        ...others.flatMap((o) =>
          o.cause !== rep.cause || o.origin !== rep.origin
            ? [
                {
                  signal: 'other-vantage',
                  detail: `capture ${o.packets[0]?.capture} alone judged this ${o.cause} from ${o.origin} (${o.confidence})`,
                  frames: o.packets.slice(0, 1),
                },
              ]
            : [],
        ),
      ],
      time: Math.min(...members.map((m) => m.time)),
    };
    out.push(merged);
  }
  return out;
}
