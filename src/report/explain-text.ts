import { styleText } from 'node:util';
import type { Finding, Severity } from '../explain/finding.ts';
import { SEVERITY_RANK } from '../explain/finding.ts';
import type { FindingSource } from '../explain/finding-store.ts';
import { arraySource } from '../explain/finding-store.ts';
import type { PathLoss } from '../explain/multi/cross-check.ts';
import type { CaptureInfo } from './explain-json.ts';
import { sanitizeForTerminal as safe } from './terminal-safe.ts';
import { utcTime } from './time.ts';

type Style = Parameters<typeof styleText>[0];

/** Members of one repeated-reset/storm pattern printed in full. */
const MEMBERS_SHOWN = 3;

/**
 * The terminal report: a one-screen overview (how many resets, by cause and severity, what needs
 * attention), then each finding, most severe first, with its evidence — like an expert's notes.
 * Colour only when `color` (a TTY without NO_COLOR); every packet-derived string is sanitised.
 */
export function explainText(
  captures: CaptureInfo[],
  findings: Finding[],
  color: boolean,
  paths: PathLoss[] = [],
): string[] {
  return [...explainTextLines(captures, arraySource(findings), color, paths)];
}

/**
 * The same report, line by line, reading each finding from `source` only when it is printed (a
 * large capture's findings wait in a temporary file: see FindingStore).
 */
export function* explainTextLines(
  captures: CaptureInfo[],
  source: FindingSource,
  color: boolean,
  paths: PathLoss[] = [],
): Generator<string> {
  const findings = source.heads;
  const paint = (style: Style, text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const sevStyle: Record<Severity, Style> = {
    security: 'magenta',
    problem: 'red',
    'expected-failure': 'yellow',
    benign: 'green',
  };
  const resets = findings.filter((f) => f.kind === 'reset');
  const failures = findings.filter((f) => f.kind === 'failure');
  const patterns = findings.filter((f) => f.kind === 'pattern');
  const resetPackets = resets.reduce((n, f) => n + f.packetCount, 0);
  const packets = captures.reduce((n, c) => n + c.packets, 0);
  const conns = captures.reduce((n, c) => n + c.connections, 0);

  yield paint('bold', 'rstscope — TCP resets explained');
  for (const c of captures) {
    const span =
      c.firstTs !== null && c.lastTs !== null
        ? ` ${utcTime(c.firstTs * 1e6)} → ${utcTime(c.lastTs * 1e6)}`
        : '';
    yield `  capture ${c.index}: ${safe(c.path)} (${c.format}${c.compression !== 'none' ? `, ${c.compression}` : ''}) ${c.packets} packets, ${c.connections} TCP connections${span}`;
    if (c.source !== undefined || c.interfaces !== undefined)
      yield `    one vantage point of the file: interface${(c.interfaces?.length ?? 0) === 1 ? '' : 's'} ${(c.interfaces ?? []).join(', ')}${c.source !== undefined ? ` (${safe(c.source)})` : ''}`;
    if (c.vantage !== undefined) {
      const clock =
        c.clock !== undefined
          ? `; clock ${c.clock.offset >= 0 ? '+' : ''}${c.clock.offset.toFixed(6)} s ±${c.clock.uncertainty.toFixed(6)} s against capture ${c.clock.reference}${c.clock.via !== undefined ? ` via capture ${c.clock.via.join(', ')}` : ''} (${c.clock.matchedConnections} shared connections${c.clock.driftPpm !== null ? `, drift ${c.clock.driftPpm} ppm` : ''}${c.clock.oneWay ? '; packets one way only: the delay between the two is unknown' : ''})`
          : captures.some((o) => o.clock?.reference === c.index)
            ? '; reference clock (the times below are on it)'
            : '';
      yield `    vantage: ${c.vantage}${clock}`;
    }
    for (const p of c.problems) yield paint('yellow', `    ! ${safe(p.message)}`);
  }
  yield '';
  yield paint('bold', 'Overview');
  yield `  ${resetPackets} reset packet${resetPackets === 1 ? '' : 's'} in ${resets.length} finding${resets.length === 1 ? '' : 's'}, ${failures.length} failure${failures.length === 1 ? '' : 's'} without a reset, ${patterns.length} pattern${patterns.length === 1 ? '' : 's'} (${packets} packets, ${conns} connections)`;
  const bySeverity = new Map<Severity, number>();
  for (const f of findings) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  const sevLine = (['security', 'problem', 'expected-failure', 'benign'] as Severity[])
    .filter((s) => bySeverity.has(s))
    .map((s) => paint(sevStyle[s], `${s} ${bySeverity.get(s)}`))
    .join('  ');
  if (sevLine) yield `  severity: ${sevLine}`;
  // Each cause with its count by severity (a cause can be benign mostly and a problem once).
  const byCause = new Map<string, { n: number; severity: Severity; by: Map<Severity, number> }>();
  for (const f of findings) {
    let e = byCause.get(f.cause);
    if (e === undefined) {
      e = { n: 0, severity: f.severity, by: new Map() };
      byCause.set(f.cause, e);
    }
    e.n++;
    e.by.set(f.severity, (e.by.get(f.severity) ?? 0) + 1);
    if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[e.severity]) e.severity = f.severity;
  }
  const causes = [...byCause.entries()].sort(
    (a, b) => SEVERITY_RANK[b[1].severity] - SEVERITY_RANK[a[1].severity] || b[1].n - a[1].n,
  );
  for (const [cause, e] of causes) {
    const breakdown = [...e.by.entries()]
      .sort((a, b) => SEVERITY_RANK[b[0]] - SEVERITY_RANK[a[0]])
      .map(([sev, n]) => paint(sevStyle[sev], e.by.size > 1 ? `${sev} ${n}` : sev))
      .join(', ');
    yield `    ${paint(sevStyle[e.severity], cause.padEnd(24))} ${String(e.n).padStart(6)}  ${breakdown}`;
  }
  for (const p of paths.slice(0, 6)) {
    const lost = p.frames.map((r) => `${r.capture}:${r.frame}`);
    yield `  path: ${p.lost} of ${p.seen} ${p.direction} packets seen at capture ${p.from.join(', ')} never reached capture ${p.to.join(', ')} (${p.connections} connection${p.connections === 1 ? '' : 's'}; lost: ${lost.slice(0, 8).join(', ')}${p.lost > 8 ? ', …' : ''})`;
  }
  const attention = findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.problem);
  yield attention.length > 0
    ? paint(
        'bold',
        `  ${attention.length} finding${attention.length === 1 ? ' needs' : 's need'} attention: #${attention
          .slice(0, 12)
          .map((f) => f.id)
          .join(', #')}${attention.length > 12 ? ', …' : ''}`,
      )
    : '  nothing needs attention';

  // Findings grouped by a repeated-reset or storm pattern are shown a few at a time: the pattern
  // itself says how many there are.
  const shown = new Map<number, number>();
  const groupOf = new Map<number, number>();
  for (const h of patterns) {
    if (h.cause !== 'repeated-reset' && h.cause !== 'reset-storm') continue;
    for (const id of source.finding(h).related ?? []) if (!groupOf.has(id)) groupOf.set(id, h.id);
  }
  const hidden = new Map<number, number>();
  for (const h of findings) {
    const g = groupOf.get(h.id);
    if (g !== undefined) {
      const n = (shown.get(g) ?? 0) + 1;
      shown.set(g, n);
      if (n > MEMBERS_SHOWN) {
        hidden.set(g, (hidden.get(g) ?? 0) + 1);
        continue;
      }
    }
    const f = source.finding(h);
    yield '';
    const conf = `confidence ${f.confidence.toFixed(2)}`;
    const origin =
      f.origin !== undefined
        ? `  origin ${f.origin}${f.originDetail ? ` (${f.originDetail.confidence.toFixed(2)})` : ''}`
        : '';
    yield `${paint('bold', `#${f.id}`)} ${paint(sevStyle[f.severity], f.severity)}  ${paint('bold', f.cause)}  ${conf}${origin}  [${f.kind}]`;
    const frames = f.packets.map((p) => (captures.length > 1 ? `${p.capture}:${p.frame}` : String(p.frame)));
    const frameText =
      frames.length > 0
        ? `  frame${frames.length > 1 ? 's' : ''} ${frames.slice(0, 10).join(', ')}${frames.length > 10 ? ` … (${frames.length})` : ''}`
        : '';
    const roles = f.connection.rolesInferred ? ` (roles inferred: ${f.connection.rolesInferred})` : '';
    yield `   ${safe(f.connection.client)} → ${safe(f.connection.server)}${roles}  ${utcTime(f.time * 1e6)}${frameText}`;
    // Behind NAT the captures see other addresses: say how each saw it, when it differs.
    const seen = f.connection.asSeen ?? [];
    const translated = seen.filter(
      (s) => s.client !== f.connection.client || s.server !== f.connection.server,
    );
    if (translated.length > 0) {
      const views = new Map<string, number[]>();
      for (const s of seen) {
        const k = `${safe(s.client)} → ${safe(s.server)}`;
        views.set(k, [...(views.get(k) ?? []), s.capture]);
      }
      yield `   as seen: ${[...views].map(([k, cs]) => `${k} at capture ${cs.join(', ')}`).join('; ')}`;
    }
    yield `   ${safe(f.summary)}`;
    if (f.app?.request || f.app?.response) {
      const parts = [];
      if (f.app.request) parts.push(`request: ${safe(f.app.request)}`);
      if (f.app.response) parts.push(`answer: ${safe(f.app.response)}`);
      yield `   app: ${parts.join('  |  ')}`;
    }
    yield '   evidence:';
    for (const e of f.evidence) {
      const fr =
        e.frames.length > 0
          ? ` [${e.frames
              .slice(0, 8)
              .map((p) => (captures.length > 1 ? `${p.capture}:${p.frame}` : p.frame))
              .join(',')}]`
          : '';
      yield `     - ${e.signal}: ${safe(e.detail)}${fr}`;
    }
    const tb = f.traceback;
    if (tb !== undefined) {
      const bits: string[] = [];
      if (tb.trigger)
        bits.push(
          `answers frame ${tb.trigger.frame} (${tb.trigger.from} ${tb.trigger.flags}${tb.trigger.len > 0 ? ` ${tb.trigger.len} B` : ''})`,
        );
      if (tb.lastRequest) {
        bits.push(
          `last request frame ${tb.lastRequest.frame}${tb.lastRequest.app ? ` ${safe(tb.lastRequest.app)}` : ` ${tb.lastRequest.bytes} B`} — ${tb.lastRequest.acked ? 'acked by TCP' : 'not acked'}, ${tb.lastRequest.answered ? `answered at frame ${tb.response?.frame}` : 'not answered'}`,
        );
      }
      bits.push(`state ${tb.connectionState}`);
      bits.push(`silence before ${tb.silenceBefore.toFixed(3)} s`);
      if (tb.outstanding.client > 0 || tb.outstanding.server > 0)
        bits.push(`unacked c→s ${tb.outstanding.client} B, s→c ${tb.outstanding.server} B`);
      if (tb.retransmission)
        bits.push(
          `${tb.retransmission.from} sent seq ${tb.retransmission.seq} ${tb.retransmission.sends}× (gaps ${tb.retransmission.intervals.map((s) => `${s}s`).join(', ')})`,
        );
      yield `   trace-back: ${bits.join('; ')}`;
    }
    if (f.alternatives.length > 0) {
      yield `   also considered: ${f.alternatives.map((a) => `${a.cause} (${a.confidence.toFixed(2)})`).join(', ')}`;
    }
    if (f.related && f.related.length > 0)
      yield `   groups findings #${f.related.slice(0, 20).join(', #')}${f.related.length > 20 ? ' …' : ''}`;
    yield `   ${paint('cyan', 'next step:')} ${safe(f.nextStep)}`;
  }
  for (const [g, n] of hidden) {
    yield '';
    yield `… ${n} more findings like those grouped by pattern #${g} are not shown here (use --json, or --cause to list them)`;
  }
}
