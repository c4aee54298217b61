import { secondsOf } from '../capture/record.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { Connection } from '../tcp/connection.ts';
import type { ResetRecord } from '../tcp/reset-record.ts';
import { isCopyOf } from './capture-copies.ts';
import type { Candidate } from './causes/index.ts';
import { RESET_RULES } from './causes/index.ts';
import type { ResetFacts } from './facts.ts';
import { factsOf } from './facts.ts';
import type { Alternative, Evidence, Finding, OriginVerdict, PacketRef } from './finding.ts';
import type { HostProfiles } from './host-profiles.ts';
import { ladderOf } from './ladder.ts';
import type { VantageIndex } from './multi/cross-check.ts';
import { decideOrigin } from './origin/index.ts';
import type { ResetContext } from './reset-context.ts';
import { buildResetContext } from './reset-context.ts';
import type { SketchIndex } from './sketch.ts';
import { tracebackOf } from './traceback.ts';
import { vantageOf } from './vantage.ts';

/** Causes whose rules judge a device-made reset themselves (severity included). */
const DEVICE_CAUSES: ReadonlySet<string> = new Set([
  'firewall-reject',
  'middlebox-idle-timeout',
  'middlebox-injected',
  'out-of-window',
]);

/** Resets of one connection within this gap of each other form one finding (a burst). */
const BURST_GAP = 1_000_000;

/**
 * Split a connection's resets into bursts: each becomes one finding. Resets stay together when
 * they follow each other within BURST_GAP and the connection did not come back to life between
 * them — a reset answering each in-flight segment of the peer, a repeated reset, or resets toward
 * both ends at once. If the first reset's sender spoke again, or traffic flowed both ways, the
 * next reset is a separate event (e.g. an injected reset early on, the real one at the end).
 */
export function resetGroups(resets: readonly ResetRecord[]): ResetRecord[][] {
  const groups: ResetRecord[][] = [];
  let current: ResetRecord[] = [];
  for (const r of resets) {
    const prev = current[current.length - 1];
    if (
      prev !== undefined &&
      ((r.tsMicros - prev.tsMicros > BURST_GAP && !sameResetAgain(prev, r)) ||
        revivedBetween(current[0], prev, r))
    ) {
      groups.push(current);
      current = [];
    }
    current.push(r);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The same reset again (sender, flags, seq, ack) with nothing else between: a repeated reset
 *  stays one finding however slowly it repeats. */
function sameResetAgain(prev: ResetRecord, r: ResetRecord): boolean {
  if (prev.fromClient !== r.fromClient || prev.flags !== r.flags || prev.seq !== r.seq || prev.ack !== r.ack)
    return false;
  return !r.history
    .packets()
    .some((p) => p.frame > prev.frame && p.frame < r.frame && (p.flags & TcpFlag.RST) === 0);
}

function revivedBetween(first: ResetRecord, prev: ResetRecord, next: ResetRecord): boolean {
  let fromClient = false;
  let fromServer = false;
  const history = next.history.packets();
  const before = history.filter((p) => p.frame <= prev.frame);
  for (const p of history) {
    if (p.frame <= prev.frame || p.frame >= next.frame || (p.flags & TcpFlag.RST) !== 0) continue;
    if (isCopyOf(p, before)) continue; // the same packet captured again, not new traffic
    if (p.fromClient === first.fromClient) return true;
    if (p.fromClient) fromClient = true;
    else fromServer = true;
  }
  return fromClient && fromServer;
}

/**
 * Explain one burst of resets: decide the origin, run every cause rule, keep the most confident
 * proposal and list the others as alternatives with why they lost; thin evidence ends in
 * `unexplained` rather than a guess.
 */
export function explainResetGroup(
  c: Connection,
  group: ResetRecord[],
  hosts: HostProfiles,
  sketches: SketchIndex,
  vantages: VantageIndex | null = null,
): Finding {
  const ctx = buildResetContext(c, group, hosts, sketches, vantageOf(c));
  const facts = factsOf(ctx);
  const cross = vantages?.check(ctx) ?? null;
  // Several captures: absence from the capture next to the claimed sender decides (multi/).
  const origin =
    vantages !== null && cross !== null
      ? vantages.settle(decideOrigin(ctx, cross.votes), cross)
      : decideOrigin(ctx, cross?.votes ?? []);
  const proposals = propose(ctx, origin, facts);
  let chosen = proposals[0];
  if (chosen === undefined || chosen.confidence < 0.35) {
    chosen = {
      cause: 'unexplained',
      confidence: 0.2,
      severity: 'problem',
      evidence: [
        {
          signal: 'raw',
          detail: `reset ${group.length > 1 ? `burst of ${group.length} ` : ''}from the ${ctx.fromClient ? 'client' : 'server'} in state ${ctx.r.stateBefore}, seq ${ctx.r.seq}, ack ${ctx.r.ack}, TTL ${ctx.r.ttl}${ctx.r.ipId >= 0 ? `, IP ID ${ctx.r.ipId}` : ''}; the sender's next seq was ${ctx.r.senderNextSeq < 0 ? 'unknown' : ctx.r.senderNextSeq}`,
          frames: group.map((g) => ({ capture: c.capture, frame: g.frame })),
        },
      ],
      summary: `A reset from the ${ctx.fromClient ? 'client' : 'server'} that none of the known causes explains; the evidence is listed.`,
      nextStep:
        'Read the evidence and the packets around it in Wireshark; a capture from the other end would tell whether the reset left the host it claims to come from.',
    };
  }
  const alternatives: Alternative[] = proposals
    .filter((p) => p !== chosen)
    .slice(0, 4)
    .map((p) => ({
      cause: p.cause,
      confidence: round(p.confidence),
      why: `${round(p.confidence) < round(chosen.confidence) ? 'less likely than' : 'as likely as'} ${chosen.cause} (${round(p.confidence)} vs ${round(chosen.confidence)}): ${p.evidence[0]?.detail ?? 'weaker evidence'}`,
    }));
  const stated = new Set(chosen.evidence.map((e) => e.detail));
  const originEvidence = origin.votes
    .filter((v) => v.signal !== 'address' && v.weight > 0 && !stated.has(v.detail))
    .map((v) => ({ signal: `origin:${v.signal}`, detail: `${v.origin}: ${v.detail}`, frames: v.frames }));
  // An endpoint cause (rst-after-fin, app-abort…) told of a reset a device made is a device
  // interfering; causes that weigh the device themselves keep their own severity.
  const severity =
    origin.origin === 'middlebox' &&
    chosen.severity === 'benign' &&
    !DEVICE_CAUSES.has(chosen.cause) &&
    chosen.deviceAware !== true
      ? 'security'
      : chosen.severity;
  // What the other vantage points changed, compared with this capture alone (they may only
  // correct the origin or raise confidence, and the finding says so).
  let singleCapture: Finding['singleCapture'];
  const vantageEvidence: Evidence[] = [];
  if (cross !== null && cross.votes.length > 0) {
    const alone = decideOrigin(ctx);
    const aloneCause = propose(ctx, alone, facts)[0];
    if (alone.origin !== origin.origin || (aloneCause?.cause ?? 'unexplained') !== chosen.cause) {
      singleCapture = {
        origin: alone.origin,
        cause: aloneCause?.cause ?? 'unexplained',
        confidence: round(aloneCause?.confidence ?? 0.2),
      };
      vantageEvidence.push({
        signal: 'vantage-change',
        detail: `with this capture alone: ${singleCapture.cause} from ${alone.origin} (${singleCapture.confidence}); the other captures make it ${chosen.cause} from ${origin.origin}`,
        frames: [],
      });
    }
  }
  const finding: Finding = {
    id: 0,
    kind: 'reset',
    cause: chosen.cause,
    severity,
    confidence: round(chosen.confidence),
    origin: origin.origin,
    originDetail: origin,
    packets: [...group.map((g) => ({ capture: c.capture, frame: g.frame })), ...(cross?.elsewhere ?? [])],
    connection: connectionRef(c),
    time: secondsOf(ctx.r.tsMicros),
    evidence: [
      ...chosen.evidence,
      ...continuationEvidence(ctx),
      ...captureOrderEvidence(ctx),
      ...originEvidence,
      ...vantageEvidence,
    ].map((e) => ({ ...e, frames: uniqueFrames(e.frames) })),
    alternatives,
    traceback: tracebackOf(ctx, facts),
    ladder: ladderOf(
      c,
      // In capture order, as Wireshark shows them (reordered packets are in ctx.before).
      [
        ...ctx.before,
        ...group.map((g) => g.history.packets().at(-1)!).filter((p) => p !== undefined),
        ...ctx.after,
      ].sort((a, b) => a.frame - b.frame),
      new Set(group.map((g) => g.frame)),
      ctx.r.history.framesAfterGaps(),
    ),
    summary: chosen.summary,
    nextStep: chosen.nextStep,
  };
  if (singleCapture !== undefined) finding.singleCapture = singleCapture;
  const app = chosen.app ?? lastExchange(ctx);
  if (app.request !== undefined || app.response !== undefined) finding.app = app;
  return finding;
}

/**
 * The last request and its answer — the server's first message after the request (an SMTP 354
 * before an unanswered end-of-DATA answers the DATA command, not it; an FTP 550 answers RETR, the
 * "221 Goodbye" after the client's FIN does not). With no request seen, the server's last message.
 */
function lastExchange(ctx: ResetContext): NonNullable<Finding['app']> {
  const app: NonNullable<Finding['app']> = {};
  const req = ctx.lastClientMessage;
  const summary = req === null ? ctx.serverSummary : ctx.answerSummary;
  if (ctx.clientSummary !== null) app.request = ctx.clientSummary.text;
  if (summary !== null) app.response = summary.text;
  if (ctx.clientSummary?.error || summary?.error) app.error = true;
  return app;
}

/**
 * The reset answers a later segment of the peer's last message, whose start is all the
 * summary reads (the message log keeps each message's first bytes): say so rather than let
 * the first line pass for what the reset answered.
 */
function continuationEvidence(ctx: ResetContext): Evidence[] {
  const t = ctx.trigger;
  if (t === null || t.len === 0 || ctx.triggerMatch === null) return [];
  const m = t.fromClient ? ctx.lastClientMessage : ctx.lastServerMessage;
  const s = t.fromClient ? ctx.clientSummary : ctx.serverSummary;
  if (m === null || s === null || t.frame <= m.frame) return [];
  return [
    {
      signal: 'app-context',
      detail: `the reset answers frame ${t.frame} (${t.len} bytes), a later part of the ${t.fromClient ? 'client' : 'server'}'s message that began at frame ${m.frame} (${s.text}); only the start of a message is summarised`,
      frames: [
        { capture: ctx.c.capture, frame: m.frame },
        { capture: ctx.c.capture, frame: t.frame },
      ],
    },
  ];
}

/** Says so when the capture order was corrected (see capture-order.ts). */
function captureOrderEvidence(ctx: ResetContext): Evidence[] {
  if (ctx.reordered.length === 0) return [];
  const list = ctx.reordered.map((p) => p.frame).join(', ');
  const sender = ctx.fromClient ? 'client' : 'server';
  return [
    {
      signal: 'capture-order',
      detail: `frame${ctx.reordered.length > 1 ? 's' : ''} ${list} ${ctx.reordered.length > 1 ? 'were' : 'was'} captured after the reset but sent before it: the reset's sequence number already counts ${ctx.reordered.length > 1 ? 'their' : 'its'} bytes and the ${sender}'s IP ID / TCP timestamp ${ctx.reordered.length > 1 ? 'are' : 'is'} earlier; read as the ${sender}'s last data, not as data after its reset`,
      frames: [ctx.r.frame, ...ctx.reordered.map((p) => p.frame)].map((frame) => ({
        capture: ctx.c.capture,
        frame,
      })),
    },
  ];
}

function propose(ctx: ResetContext, origin: OriginVerdict, facts: ResetFacts): Candidate[] {
  const proposals: Candidate[] = [];
  for (const rule of RESET_RULES) {
    const p = rule(ctx, origin, facts);
    if (p !== null) proposals.push(p);
  }
  return proposals.sort((a, b) => b.confidence - a.confidence);
}

export function connectionRef(c: Connection): Finding['connection'] {
  const ref: Finding['connection'] = {
    client: c.client.endpointText,
    server: c.server.endpointText,
  };
  if (c.roleSource !== 'syn') ref.rolesInferred = c.roleSource;
  return ref;
}

/** Each packet once, in the order given. */
function uniqueFrames(frames: readonly PacketRef[]): PacketRef[] {
  const seen = new Set<string>();
  return frames.filter((f) => {
    const k = `${f.capture}:${f.frame}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
