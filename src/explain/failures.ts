import { summarizePayload } from '../app/index.ts';
import { secondsOf } from '../capture/record.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { Connection } from '../tcp/connection.ts';
import { seqGeq } from '../tcp/seq.ts';
import { withoutCopies } from './capture-copies.ts';
import { seconds } from './causes/rule.ts';
import { connectionRef } from './explain-reset.ts';
import type { Finding } from './finding.ts';
import { keepAliveFrames } from './keep-alive.ts';

/**
 * Failures that leave no reset: firewalls that drop silently, senders that retransmit into the
 * void until they give up (Linux resets nothing then), applications that stall while TCP is fine.
 * `captureEnd` is the capture's last timestamp, to tell "went silent" from "the capture stopped".
 */
export function failureOf(c: Connection, captureEnd: number): Finding | null {
  if (c.client.rstCount > 0 || c.server.rstCount > 0) return null;
  return synUnanswered(c, captureEnd) ?? retransmissionTimeout(c, captureEnd) ?? appStall(c, captureEnd);
}

function base(
  c: Connection,
  frames: number[],
): Pick<Finding, 'id' | 'kind' | 'packets' | 'connection' | 'alternatives'> {
  return {
    id: 0,
    kind: 'failure',
    packets: frames.map((frame) => ({ capture: c.capture, frame })),
    connection: connectionRef(c),
    alternatives: [],
  };
}

/** SYNs with no answer at all: a silent drop on the path or a host that is down. */
function synUnanswered(c: Connection, captureEnd: number): Finding | null {
  if (c.client.isn < 0 || c.server.packets > 0) return null;
  const syns = c.log.packets().filter((p) => p.fromClient && (p.flags & TcpFlag.SYN) !== 0);
  if (syns.length === 0) return null;
  const waited = Math.max(captureEnd, c.lastTs) - syns[0].tsMicros;
  if (syns.length < 2 && waited < 3_000_000) return null; // too early to call
  const intervals = syns.slice(1).map((p, i) => p.tsMicros - syns[i].tsMicros);
  const server = connectionRef(c).server;
  return {
    ...base(
      c,
      syns.map((p) => p.frame),
    ),
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
    ],
    summary: `Connection attempts to ${server} got no answer at all (no SYN-ACK, no reset): something dropped them silently, or the host is down.`,
    nextStep: `Check for a firewall or security group silently dropping port ${c.server.port} on the path to ${server}, and whether the host is up (a capture near the server shows whether the SYNs arrive).`,
  };
}

/** One segment retransmitted again and again without acknowledgement, then silence. */
function retransmissionTimeout(c: Connection, captureEnd: number): Finding | null {
  const log = c.retransmissions;
  if (log === null || (c.establishedTs < 0 && c.state !== 'partial' && c.state !== 'established'))
    return null;
  const worst = log.segments.filter((s) => !s.acked).sort((a, b) => b.sends - a.sends)[0];
  if (worst === undefined || worst.sends < 4) return null;
  const lastSend = worst.times[worst.times.length - 1];
  const lastInterval = worst.times.length > 1 ? lastSend - worst.times[worst.times.length - 2] : 1_000_000;
  // Silent afterwards: nothing more from that sender, and long enough for another retry to be due.
  const sender = c.endpoint(worst.fromClient);
  if (sender.lastTs > lastSend + 1000) return null;
  const silence = Math.max(captureEnd, c.lastTs) - lastSend;
  if (silence < lastInterval && c.endReason === 'open') return null;
  const role = worst.fromClient ? 'client' : 'server';
  const peer = worst.fromClient ? 'server' : 'client';
  const intervals = worst.times.slice(1).map((t, i) => t - worst.times[i]);
  return {
    ...base(c, worst.frames),
    cause: 'retransmission-timeout',
    severity: 'problem',
    confidence: worst.sends >= 6 ? 0.85 : 0.7,
    time: secondsOf(worst.times[0]),
    evidence: [
      {
        signal: 'retransmissions',
        detail: `the ${role}'s segment at seq ${worst.seq} (${worst.len} bytes) was sent ${worst.sends} times (gaps ${intervals.map(seconds).join(', ')}) and never acknowledged; then the ${role} went silent for ${seconds(silence)} without a reset`,
        frames: worst.frames.slice(0, 10).map((frame) => ({ capture: c.capture, frame })),
      },
    ],
    summary: `The ${role} retransmitted the same data ${worst.sends - 1} times with no acknowledgement and then gave up silently (as Linux does when tcp_retries2 is exhausted): the ${peer} or the path stopped delivering.`,
    nextStep: `Find where packets toward the ${peer} are lost (a capture at the ${peer} shows whether they arrive); check for a failed host, a black-holing route or an MTU problem.`,
  };
}

/** A request acknowledged by TCP but never answered, and the requester closed (or the capture ended). */
function appStall(c: Connection, captureEnd: number): Finding | null {
  const msgs = c.messages;
  if (msgs === null) return null;
  // A keep-alive probe's byte is no request (keep-alive.ts): the last real message counts.
  const probes = keepAliveFrames(withoutCopies(c.log.packets()));
  const last = msgs.messages.findLast((m) => !(m.totalLength <= 1 && probes.has(m.frame)));
  if (last === undefined || !last.fromClient) return null;
  const requester = c.client;
  const answerer = c.server;
  const acked = answerer.ackKnown && seqGeq(answerer.highestAck, last.endSeq);
  if (!acked) return null;
  const rtt = c.handshakeRtt > 0 ? c.handshakeRtt : 100_000;
  const closedByRequester = requester.finCount > 0 && requester.finTs > last.lastTs;
  const end = closedByRequester ? requester.finTs : Math.max(captureEnd, c.lastTs);
  const waited = end - last.lastTs;
  // A requester that closes after waiting tells us it gave up (1 s is long for a machine); a
  // connection merely still open when the capture ended needs a longer silence to be called.
  const patience = closedByRequester ? Math.max(1_000_000, 20 * rtt) : Math.max(10_000_000, 50 * rtt);
  if (waited < patience) return null;
  if (!closedByRequester && c.endReason !== 'open' && c.endReason !== 'timeout') return null;
  // The answerer must have said nothing after the request.
  if (answerer.lastDataTs > last.tsMicros) return null;
  const summary = summarizePayload(last.bytes, 0, last.bytes.length, {
    serverPort: c.server.port,
    fromClient: true,
  });
  const what = summary?.text ?? `${last.totalLength} bytes`;
  const frames = closedByRequester ? [last.frame, requester.finFrame] : [last.frame];
  return {
    ...base(c, frames),
    cause: 'app-timeout',
    severity: 'problem',
    confidence: closedByRequester ? 0.8 : 0.55,
    time: secondsOf(last.tsMicros),
    evidence: [
      {
        signal: 'unanswered-request',
        detail: `the client's request (${what}, frame ${last.frame}) was acknowledged by the server's TCP but got no answer in ${seconds(waited)}${closedByRequester ? `; the client then closed with FIN (frame ${requester.finFrame})` : ' (until the capture ended)'}`,
        frames: frames.map((frame) => ({ capture: c.capture, frame })),
      },
    ],
    app: summary !== null ? { request: summary.text } : undefined,
    summary: `The server's TCP acknowledged the ${what} but its application never answered${closedByRequester ? `; after ${seconds(waited)} the client gave up and closed` : ''}. TCP is healthy here.`,
    nextStep: `Look at the ${summary ? `${summary.protocol.toUpperCase()} ` : ''}service on ${connectionRef(c).server}, not the network: it received the request and did not respond.`,
  };
}
