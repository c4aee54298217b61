import { seconds } from './causes/rule.ts';
import { minOf } from './extremes.ts';
import type { Finding } from './finding.ts';
import type { FindingHead } from './finding-store.ts';
import { CLIENT_SENT, SERVER_SENT } from './finding-store.ts';
import type { SketchIndex } from './sketch.ts';

/**
 * Patterns across connections, found over the findings and the connection sketches:
 * - reconnect-loop: the same client keeps connecting to the same service, sending the same
 *   first request, and the attempts fail, most of them and at least MIN_LOOP in a row, at a
 *   retry's pace (MAX_LOOP_INTERVAL);
 * - repeated-reset: the same reset (same 4-tuple and sender) over and over;
 * - reset-storm: one host sending or receiving many resets in a short time;
 * - scan: one source probing many ports (or many hosts) that refuse or ignore it.
 * Each pattern lists the findings it groups (`related`), filled with ids once they are assigned.
 */
export interface PatternDraft {
  finding: Finding;
  members: PatternMember[];
}

/** What patterns read of a finding: its head (finding-store.ts), kept in memory for every finding. */
export type PatternMember = FindingHead;

const MIN_LOOP = 3;
/** Mean time between attempts (µs) beyond which repeated failures are a schedule (a cron job, a
 *  poller), not a client retrying in a loop. */
const MAX_LOOP_INTERVAL = 30_000_000;
const STORM_WINDOW = 10_000_000;
const STORM_MIN = 50;
const SCAN_MIN_PORTS = 10;

function endpointHost(ep: string): string {
  return ep.startsWith('[') ? ep.slice(1, ep.indexOf(']')) : ep.slice(0, ep.lastIndexOf(':'));
}

/**
 * How a finding looked in the capture it is compared against: its capture, that capture's
 * addresses and its own clock. With several captures a finding may stand for copies seen at
 * several points (other addresses behind NAT, other clocks); the caller says which one to use.
 */
export interface PatternView {
  capture: number;
  client: string;
  server: string;
  /** Seconds on that capture's clock. */
  time: number;
}

export function findPatterns(
  findings: readonly PatternMember[],
  sketches: SketchIndex,
  viewOf: (f: PatternMember) => PatternView | undefined = () => undefined,
): PatternDraft[] {
  const drafts: PatternDraft[] = [];
  const view = (f: PatternMember): PatternView =>
    viewOf(f) ?? {
      capture: f.packets[0]?.capture ?? 0,
      client: f.connection.client,
      server: f.connection.server,
      time: f.time,
    };
  const resets = findings.filter(
    (f) => (f.kind === 'reset' || f.kind === 'failure') && f.severity !== 'benign',
  );

  // ---- reconnect loops ----
  const byService = new Map<string, PatternMember[]>();
  for (const f of resets) {
    const v = view(f);
    const k = `${v.capture}|${endpointHost(v.client)}|${v.server}`;
    const list = byService.get(k);
    if (list === undefined) byService.set(k, [f]);
    else list.push(f);
  }
  for (const [key, list] of byService) {
    const distinctConnections = new Set(list.map((f) => view(f).client));
    if (distinctConnections.size < MIN_LOOP) continue;
    const [capture, client, server] = key.split('|');
    const serverHost = endpointHost(server);
    const serverPort = Number(server.slice(server.lastIndexOf(':') + 1));
    const conns = sketches
      .betweenHosts(Number(capture), client, serverHost)
      .filter((s) => s.serverPort === serverPort)
      .sort((a, b) => a.start - b.start);
    // A loop is what the client mostly gets from this service, attempts failing in a row: not a
    // few failures scattered among many good connections (a busy client with a 20 % error rate
    // has chance runs of three; that is an error rate, which the findings themselves show).
    const failedPorts = new Map<number, { time: number; f: PatternMember }[]>();
    for (const f of list) {
      const v = view(f);
      const port = Number(v.client.slice(v.client.lastIndexOf(':') + 1));
      const times = failedPorts.get(port);
      if (times === undefined) failedPorts.set(port, [{ time: v.time * 1e6, f }]);
      else times.push({ time: v.time * 1e6, f });
    }
    /** When each attempt failed (its earliest finding), null when it did not. */
    const failures_ = conns.map((s) => {
      const hits = (failedPorts.get(s.clientPort) ?? []).filter(
        (x) => x.time >= s.start - 1 && x.time <= s.end + 1,
      );
      return hits.length === 0 ? null : hits.reduce((a, b) => (b.time < a.time ? b : a));
    });
    const failed = failures_.map((x) => x !== null);
    const failures = failed.filter(Boolean).length;
    // A retry follows the failure of the attempt before it: connections opened in parallel and
    // failing together (a browser opening six at once) are no loop, however fast.
    let longestRun = 0;
    let run = 0;
    for (let i = 0; i < conns.length; i++) {
      const fail = failures_[i];
      if (fail === null) {
        run = 0;
        continue;
      }
      const prev = i > 0 ? failures_[i - 1] : null;
      run = prev !== null && run > 0 && conns[i].start >= prev.time ? run + 1 : 1;
      if (run > longestRun) longestRun = run;
    }
    if (conns.length > 0 && (longestRun < MIN_LOOP || failures * 2 < conns.length)) continue;
    const everyAttempt = conns.length === 0 || failures === conns.length;
    const requests = new Map<number, number>();
    for (const s of conns)
      if (s.firstRequest !== null) requests.set(s.firstRequest, (requests.get(s.firstRequest) ?? 0) + 1);
    const dominant = [...requests.entries()].sort((a, b) => b[1] - a[1])[0];
    const sameRequest = dominant !== undefined && dominant[1] >= MIN_LOOP && dominant[1] * 2 >= conns.length;
    // The pace of the failed attempts themselves (a later good connection does not slow the loop).
    const attempts = conns.filter((_, i) => failed[i]);
    const span = attempts.length > 1 ? attempts[attempts.length - 1].start - attempts[0].start : 0;
    const interval = attempts.length > 1 ? span / (attempts.length - 1) : 0;
    if (interval > MAX_LOOP_INTERVAL) continue;
    // Name the request only when the attempts really repeat it.
    const repeatedIdx = sameRequest
      ? conns.findIndex((s, i) => failed[i] && s.firstRequest === dominant[0])
      : -1;
    const request = repeatedIdx >= 0 ? failures_[repeatedIdx]?.f.app?.request : undefined;
    const distinctRequests = requests.size;
    const causes = countBy(list.map((f) => f.cause));
    const main = [...causes.entries()].sort((a, b) => b[1] - a[1])[0][0];
    drafts.push({
      members: list,
      finding: {
        id: 0,
        kind: 'pattern',
        cause: 'reconnect-loop',
        severity: 'problem',
        confidence: sameRequest ? 0.85 : 0.6,
        packets: [],
        connection: { client, server },
        time: minOf(list.map((f) => f.time)),
        evidence: [
          {
            signal: 'reconnects',
            detail: `${distinctConnections.size} connections from ${client} to ${server} ended in ${[...causes.entries()].map(([c, n]) => `${c} ×${n}`).join(', ')}, one every ${seconds(interval)} on average, each opened after the previous one failed${sameRequest ? `, each opening with the same request${request ? ` (${request})` : ''}` : distinctRequests > 1 ? `, with ${distinctRequests} different first requests` : ''}`,
            frames: list.slice(0, 10).flatMap((f) => f.packets.slice(0, 1)),
          },
        ],
        alternatives: [],
        summary: `${client} keeps reconnecting to ${server} (${distinctConnections.size} times, every ${seconds(interval)})${sameRequest && request ? ` with the same ${request}` : ''}, and ${everyAttempt ? 'every attempt ends' : `${failures} of its ${conns.length} attempts end (up to ${longestRun} in a row)`} in ${main}.`,
        nextStep: `Fix the first failure (see the ${main} findings) — the client retries it in a loop; also check the client's retry back-off.`,
        details: {
          count: distinctConnections.size,
          interval: interval / 1e6,
          sameRequest,
          distinctRequests,
          mainCause: main,
        },
      },
    });
  }

  // ---- repeated identical resets on one 4-tuple ----
  const byTuple = new Map<string, PatternMember[]>();
  for (const f of findings) {
    if (f.kind !== 'reset') continue;
    const v = view(f);
    const k = `${v.capture}|${v.client}|${v.server}|${f.origin}`;
    const list = byTuple.get(k);
    if (list === undefined) byTuple.set(k, [f]);
    else list.push(f);
  }
  for (const list of byTuple.values()) {
    if (list.length < 5) continue;
    const times = list.map((f) => f.time).sort((a, b) => a - b);
    const span = times[times.length - 1] - times[0];
    // What the packets show of the other side: refusals, or nothing at all.
    const resetter = list[0].origin === 'server' ? 'server' : 'client';
    const answered = list.some(
      (f) => (f.senders & (resetter === 'client' ? SERVER_SENT : CLIENT_SENT)) !== 0,
    );
    drafts.push({
      members: list,
      finding: {
        id: 0,
        kind: 'pattern',
        cause: 'repeated-reset',
        severity: list[0].severity,
        confidence: 0.9,
        packets: [],
        connection: list[0].connection,
        time: times[0],
        evidence: [
          {
            signal: 'repeats',
            detail: `${list.length} resets on the same 4-tuple over ${seconds(span * 1e6)} (about one every ${seconds((span / (list.length - 1)) * 1e6)})`,
            frames: list.slice(0, 10).flatMap((f) => f.packets.slice(0, 1)),
          },
        ],
        alternatives: [],
        summary: answered
          ? `The same reset on ${list[0].connection.client} ↔ ${list[0].connection.server} repeats ${list.length} times: something keeps sending on a connection the other side keeps refusing.`
          : `The same reset on ${list[0].connection.client} ↔ ${list[0].connection.server} repeats ${list.length} times, and the other side never sent a packet.`,
        nextStep: answered
          ? 'Find the process that keeps sending on this 4-tuple (it never opens a new connection) and why the peer has no state for it.'
          : `Find what on the ${resetter} side sends these resets; nothing on the capture answers them.`,
        details: { count: list.length, span },
      },
    });
  }

  // ---- reset storms: many resets from one host within a short window ----
  const bySender = new Map<string, PatternMember[]>();
  for (const f of findings) {
    if (f.kind !== 'reset') continue;
    const v = view(f);
    const host = endpointHost(f.origin === 'server' ? v.server : v.client);
    const k = `${v.capture}|${host}`;
    const list = bySender.get(k);
    if (list === undefined) bySender.set(k, [f]);
    else list.push(f);
  }
  for (const [key, list] of bySender) {
    if (list.length < STORM_MIN) continue;
    const sorted = [...list].sort((a, b) => a.time - b.time);
    let best = 0;
    let bestStart = 0;
    for (let i = 0, j = 0; i < sorted.length; i++) {
      while ((sorted[i].time - sorted[j].time) * 1e6 > STORM_WINDOW) j++;
      if (i - j + 1 > best) {
        best = i - j + 1;
        bestStart = j;
      }
    }
    if (best < STORM_MIN) continue;
    const members = sorted.slice(bestStart, bestStart + best);
    const host = key.split('|')[1];
    drafts.push({
      members,
      finding: {
        id: 0,
        kind: 'pattern',
        cause: 'reset-storm',
        severity: 'problem',
        confidence: 0.8,
        packets: [],
        connection: { client: host, server: '*' },
        time: members[0].time,
        evidence: [
          {
            signal: 'storm',
            detail: `${best} resets involving ${host} within ${seconds(STORM_WINDOW)}; causes: ${[...countBy(members.map((f) => f.cause)).entries()].map(([c, n]) => `${c} ×${n}`).join(', ')}`,
            frames: members.slice(0, 10).flatMap((f) => f.packets.slice(0, 1)),
          },
        ],
        alternatives: [],
        summary: `A storm of ${best} resets around ${host} within ten seconds.`,
        nextStep: `Look at what happened to ${host} at that moment (restart, failover, overload) — the individual findings say which side sent the resets.`,
        details: { count: best },
      },
    });
  }

  // ---- scans: one source, many ports on one target refused or unanswered ----
  const probes = new Map<string, { ports: Set<number>; members: PatternMember[] }>();
  for (const f of findings) {
    if (
      f.cause !== 'refused' &&
      f.cause !== 'firewall-reject' &&
      f.cause !== 'syn-unanswered' &&
      f.cause !== 'handshake-abort'
    )
      continue;
    const v = view(f);
    const serverHost = endpointHost(v.server);
    const k = `${v.capture}|${endpointHost(v.client)}|${serverHost}`;
    let p = probes.get(k);
    if (p === undefined) {
      p = { ports: new Set(), members: [] };
      probes.set(k, p);
    }
    p.ports.add(Number(v.server.slice(v.server.lastIndexOf(':') + 1)));
    p.members.push(f);
  }
  for (const [key, p] of probes) {
    if (p.ports.size < SCAN_MIN_PORTS) continue;
    const [, src, dst] = key.split('|');
    drafts.push({
      members: p.members,
      finding: {
        id: 0,
        kind: 'pattern',
        cause: 'scan',
        severity: 'security',
        confidence: 0.85,
        packets: [],
        connection: { client: src, server: dst },
        time: minOf(p.members.map((f) => f.time)),
        evidence: [
          {
            signal: 'ports',
            detail: `${src} tried ${p.ports.size} different ports on ${dst}; ${p.members.length} attempts refused, rejected or unanswered`,
            frames: p.members.slice(0, 10).flatMap((f) => f.packets.slice(0, 1)),
          },
        ],
        alternatives: [],
        summary: `${src} scanned ${p.ports.size} ports on ${dst}.`,
        nextStep: `Find out whether ${src} is an authorised scanner; if not, treat it as reconnaissance.`,
        details: { ports: p.ports.size, attempts: p.members.length },
      },
    });
  }
  return drafts;
}

function countBy<T>(items: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}
