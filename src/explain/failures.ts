import { secondsOf } from '../capture/record.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { Connection } from '../tcp/connection.ts';
import type { MessageStart } from '../tcp/message-log.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import { seqGeq } from '../tcp/seq.ts';
import type { CaptureActivity, CaptureGap } from './activity.ts';
import { withoutCopies } from './capture-copies.ts';
import { seconds } from './causes/rule.ts';
import { connectionRef } from './explain-reset.ts';
import type { Evidence, Finding, PacketBrief, Traceback } from './finding.ts';
import { keepAliveFrames } from './keep-alive.ts';
import { summarizeMessage } from './message-summary.ts';
import { packetBrief } from './packet-brief.ts';
import type { StalledSegment } from './stalled-segment.ts';
import { stalledSegment } from './stalled-segment.ts';

/**
 * Failures that leave no reset: firewalls that drop silently, senders that retransmit into the
 * void until they give up (Linux resets nothing then), applications that stall while TCP is fine.
 * `captureEnd` is the capture's last timestamp, to tell "went silent" from "the capture stopped";
 * `activity` tells a silence from a gap in the capture (activity.ts): a wait is measured only up
 * to the first stretch with no packet anywhere in the capture.
 */
export function failureOf(
  c: Connection,
  captureEnd: number,
  activity: CaptureActivity | null = null,
): Finding | null {
  if (c.client.rstCount > 0 || c.server.rstCount > 0) return null;
  const packets = c.log.packets();
  const w: Waits = { c, packets, captureEnd: Math.max(captureEnd, c.lastTs), activity };
  return synUnanswered(w) ?? retransmissionTimeout(w) ?? appStall(w);
}

interface Waits {
  c: Connection;
  packets: readonly LoggedPacket[];
  captureEnd: number;
  activity: CaptureActivity | null;
}

/** How long the capture shows nothing from `from` on, up to `until` (or its end), and the gap that cut it short. */
function silenceFrom(
  w: Waits,
  from: number,
  until = w.captureEnd,
): { waited: number; gap: CaptureGap | null } {
  const gap = w.activity?.gapWithin(w.c.capture, from, until) ?? null;
  return { waited: Math.max(0, (gap !== null ? gap.from : until) - from), gap };
}

function gapEvidence(gap: CaptureGap | null): Evidence[] {
  if (gap === null) return [];
  return [
    {
      signal: 'capture-gap',
      detail: `the capture holds no TCP packet at all for ${seconds(gap.to - gap.from)} from ${new Date(Math.floor(gap.from / 1000)).toISOString()} (a gap in the capture or a clock jump): the wait is measured up to it`,
      frames: [],
    },
  ];
}

/** A failure finding, its fields in the order reset findings print them. */
function failure(
  c: Connection,
  frames: number[],
  f: Pick<Finding, 'cause' | 'severity' | 'confidence' | 'time' | 'evidence' | 'summary' | 'nextStep'> & {
    traceback: Traceback;
    app?: Finding['app'];
  },
): Finding {
  const finding: Finding = {
    id: 0,
    kind: 'failure',
    cause: f.cause,
    severity: f.severity,
    confidence: f.confidence,
    packets: frames.map((frame) => ({ capture: c.capture, frame })),
    connection: connectionRef(c),
    time: f.time,
    evidence: f.evidence,
    alternatives: [],
    traceback: f.traceback,
    summary: f.summary,
    nextStep: f.nextStep,
  };
  if (f.app !== undefined) finding.app = f.app;
  return finding;
}

/** SYNs with no answer at all: a silent drop on the path or a host that is down. */
function synUnanswered(w: Waits): Finding | null {
  const c = w.c;
  if (c.client.isn < 0 || c.server.packets > 0) return null;
  const syns = w.packets.filter((p) => p.fromClient && (p.flags & TcpFlag.SYN) !== 0);
  if (syns.length === 0) return null;
  const { waited, gap } = silenceFrom(w, syns[0].tsMicros);
  if (syns.length < 2 && waited < 3_000_000) return null; // too early to call
  const intervals = syns.slice(1).map((p, i) => p.tsMicros - syns[i].tsMicros);
  const server = connectionRef(c).server;
  return failure(
    c,
    syns.map((p) => p.frame),
    {
      cause: 'syn-unanswered',
      severity: 'problem',
      confidence: syns.length >= 2 ? 0.9 : 0.6,
      time: secondsOf(syns[0].tsMicros),
      evidence: [
        {
          signal: 'syn-retransmissions',
          detail: `${c.client.synCount} SYN${c.client.synCount > 1 ? 's' : ''} sent${intervals.length > 0 ? ` (backoff ${intervals.map(seconds).join(', ')})` : ''}; nothing came back from ${server} in ${seconds(waited)}`,
          frames: syns.slice(0, 8).map((p) => ({ capture: c.capture, frame: p.frame })),
        },
        ...gapEvidence(gap),
      ],
      traceback: failureTraceback(w, {
        lastRequest: null,
        silenceFrom: syns[syns.length - 1].tsMicros,
        retransmission:
          syns.length > 1
            ? {
                from: 'client',
                seq: c.client.isn,
                sends: syns.length,
                intervals: intervals.map(toSeconds),
                acked: false,
              }
            : null,
      }),
      summary: `Connection attempts to ${server} got no answer at all (no SYN-ACK, no reset): something dropped them silently, or the host is down.`,
      nextStep: `Check for a firewall or security group silently dropping port ${c.server.port} on the path to ${server}, and whether the host is up (a capture near the server shows whether the SYNs arrive).`,
    },
  );
}

/** One segment retransmitted again and again by a timer, never acknowledged, then silence. */
function retransmissionTimeout(w: Waits): Finding | null {
  const c = w.c;
  const log = c.retransmissions;
  if (log === null || (c.establishedTs < 0 && c.state !== 'partial' && c.state !== 'established'))
    return null;
  // Timer resends only (copies of one packet and fast repeats do not count: stalled-segment.ts).
  const rtt = c.handshakeRtt > 0 ? c.handshakeRtt : c.rttMin;
  const stalled = (fromClient: boolean): StalledSegment | null => {
    const peer = c.endpoint(!fromClient);
    return stalledSegment(
      log.segments,
      w.packets,
      fromClient,
      Number.POSITIVE_INFINITY,
      peer.ackKnown ? peer.highestAck : -1,
      rtt,
      4,
    );
  };
  const candidates = [stalled(true), stalled(false)].filter((s) => s !== null);
  const worst = candidates.sort((a, b) => b.times.length - a.times.length)[0];
  if (worst === undefined) return null;
  const lastSend = worst.times[worst.times.length - 1];
  const lastInterval = worst.gaps[worst.gaps.length - 1];
  // Silent afterwards: nothing more from that sender, and long enough for another retry to be due.
  const sender = c.endpoint(worst.fromClient);
  if (sender.lastTs > lastSend + 1000) return null;
  const { waited: silence, gap } = silenceFrom(w, lastSend);
  // An idle timeout of the tracker after a gap in the capture proves no silence either.
  if (silence < lastInterval && (c.endReason === 'open' || gap !== null)) return null;
  const role = worst.fromClient ? 'client' : 'server';
  const peer = worst.fromClient ? 'server' : 'client';
  const ackLost = worst.ackedBy !== null;
  const sends = worst.times.length;
  return failure(c, worst.frames, {
    cause: 'retransmission-timeout',
    severity: 'problem',
    confidence: sends >= 6 ? 0.85 : 0.7,
    time: secondsOf(worst.times[0]),
    evidence: [
      {
        signal: 'retransmissions',
        detail: `the ${role}'s segment at seq ${worst.seq} (${worst.len} bytes) was sent ${sends} times (gaps ${worst.gaps.map(seconds).join(', ')})${ackLost ? `, still after the ${peer} acknowledged it (frame ${worst.ackedBy!.frame}): the ACKs never reached the ${role}` : ' and never acknowledged'}; then the ${role} went silent for ${seconds(silence)} without a reset`,
        frames: worst.frames.slice(0, 10).map((frame) => ({ capture: c.capture, frame })),
      },
      ...gapEvidence(gap),
    ],
    traceback: failureTraceback(w, {
      lastRequest: null,
      silenceFrom: lastSend,
      retransmission: {
        from: role,
        seq: worst.seq,
        sends,
        intervals: worst.gaps.map(toSeconds),
        acked: ackLost,
      },
    }),
    summary: `The ${role} retransmitted the same data ${sends - 1} times ${ackLost ? `without the ${peer}'s ACKs reaching it` : 'with no acknowledgement'} and then gave up silently (as Linux does when tcp_retries2 is exhausted): the ${peer} or the path stopped delivering.`,
    nextStep: `Find where packets toward the ${ackLost ? role : peer} are lost (a capture at the ${peer} shows whether they arrive); check for a failed host, a black-holing route or an MTU problem.`,
  });
}

/** A request acknowledged by TCP but never answered, and the requester closed (or the capture ended). */
function appStall(w: Waits): Finding | null {
  const c = w.c;
  const msgs = c.messages;
  if (msgs === null) return null;
  // A keep-alive probe's byte is no request (keep-alive.ts): the last real message counts.
  const probes = keepAliveFrames(withoutCopies(w.packets));
  const last = msgs.messages.findLast((m) => !(m.totalLength <= 1 && probes.has(m.frame)));
  if (last === undefined || !last.fromClient) return null;
  const requester = c.client;
  const answerer = c.server;
  const acked = answerer.ackKnown && seqGeq(answerer.highestAck, last.endSeq);
  if (!acked) return null;
  const rtt = c.handshakeRtt > 0 ? c.handshakeRtt : 100_000;
  const closedByRequester = requester.finCount > 0 && requester.finTs > last.lastTs;
  const { waited, gap } = closedByRequester
    ? silenceFrom(w, last.lastTs, requester.finTs)
    : silenceFrom(w, last.lastTs);
  // A requester that closes after waiting tells us it gave up (1 s is long for a machine); a
  // connection merely still open when the capture ended needs a longer silence to be called.
  const patience = closedByRequester ? Math.max(1_000_000, 20 * rtt) : Math.max(10_000_000, 50 * rtt);
  if (waited < patience) return null;
  if (!closedByRequester && c.endReason !== 'open' && c.endReason !== 'timeout') return null;
  // The answerer must have said nothing after the request.
  if (answerer.lastDataTs > last.tsMicros) return null;
  const summary = summarizeMessage(c, last);
  // A small encrypted record sent after the server spoke, with the connection left open, is more
  // often an acknowledgement (HTTP/2 SETTINGS ack, WINDOW_UPDATE, PING ack) than a request:
  // nothing in the packets says an answer was due.
  const answeredBefore = msgs.messages.some((m) => !m.fromClient && m.frame < last.frame);
  if (
    !closedByRequester &&
    summary?.protocol === 'tls' &&
    summary.operation === 'ApplicationData' &&
    last.totalLength <= SMALL_RECORD &&
    answeredBefore
  )
    return null;
  const what = summary?.text ?? `${last.totalLength} bytes`;
  const frames = closedByRequester ? [last.frame, requester.finFrame] : [last.frame];
  return failure(c, frames, {
    cause: 'app-timeout',
    severity: 'problem',
    confidence: closedByRequester ? 0.8 : gap !== null ? 0.45 : 0.55,
    time: secondsOf(last.tsMicros),
    evidence: [
      {
        signal: 'unanswered-request',
        detail: `the client's request (${what}, frame ${last.frame}) was acknowledged by the server's TCP but got no answer in ${seconds(waited)}${closedByRequester ? `; the client then closed with FIN (frame ${requester.finFrame})` : gap !== null ? ' (until the gap in the capture)' : ' (until the capture ended)'}`,
        frames: frames.map((frame) => ({ capture: c.capture, frame })),
      },
      ...gapEvidence(gap),
    ],
    traceback: failureTraceback(w, {
      lastRequest: last,
      silenceFrom: last.lastTs,
      retransmission: null,
    }),
    app: summary !== null ? { request: summary.text } : undefined,
    summary: `The server's TCP acknowledged the ${what} but its application never answered${closedByRequester ? `; after ${seconds(waited)} the client gave up and closed` : ''}. TCP is healthy here.`,
    nextStep: `Look at the ${summary ? `${summary.protocol.toUpperCase()} ` : ''}service on ${connectionRef(c).server}, not the network: it received the request and did not respond.`,
  });
}

/** Largest TLS record (bytes on the wire) read as a control message rather than a request. */
const SMALL_RECORD = 64;

function toSeconds(micros: number): number {
  return Math.round(micros / 1000) / 1e3;
}

/**
 * The trace-back of a failure, in the shape reset findings use: no reset, so no trigger; the last
 * data each way, the request and whether it was acknowledged, how long the connection was silent
 * (up to a gap in the capture), what was in flight, and the retransmission pattern.
 */
function failureTraceback(
  w: Waits,
  o: {
    lastRequest: MessageStart | null;
    silenceFrom: number;
    retransmission: Traceback['retransmission'];
  },
): Traceback {
  const c = w.c;
  const packets = withoutCopies(w.packets);
  const probes = keepAliveFrames(packets);
  const brief = (fromClient: boolean): PacketBrief | null => {
    const p = packets.findLast((q) => q.fromClient === fromClient && q.len > 0 && !probes.has(q.frame));
    return p === undefined ? null : packetBrief(c.capture, p);
  };
  const last = packets[packets.length - 1];
  const idle = last === undefined ? 0 : silenceFrom(w, last.tsMicros).waited;
  const outstanding = (fromClient: boolean): number => {
    const ep = c.endpoint(fromClient);
    const peer = c.endpoint(!fromClient);
    if (!ep.seqKnown || !peer.ackKnown) return 0;
    return Math.max(0, (ep.nextSeq - peer.highestAck) | 0);
  };
  let lastRequest: Traceback['lastRequest'] = null;
  const m = o.lastRequest;
  if (m !== null) {
    const summary = summarizeMessage(c, m);
    lastRequest = {
      capture: c.capture,
      frame: m.frame,
      ts: secondsOf(m.tsMicros),
      from: m.fromClient ? 'client' : 'server',
      flags: 'data',
      seq: m.seq,
      ack: 0,
      len: m.segmentLength,
      bytes: m.totalLength,
      acked: c.server.ackKnown && seqGeq(c.server.highestAck, m.endSeq),
      answered: false,
      ...(summary !== null ? { app: summary.text } : {}),
    };
  }
  const { waited } = silenceFrom(w, o.silenceFrom);
  return {
    trigger: null,
    triggerMatch: null,
    lastClientData: brief(true),
    lastServerData: brief(false),
    lastRequest,
    response: null,
    idleBefore: idle / 1e6,
    silenceBefore: waited / 1e6,
    outstanding: { client: outstanding(true), server: outstanding(false) },
    retransmission: o.retransmission,
    connectionState: c.state,
  };
}
