import type { AppSummary } from '../app/index.ts';
import { TcpFlag } from '../decode/packet-view.ts';
import type { Connection } from '../tcp/connection.ts';
import type { Endpoint } from '../tcp/endpoint.ts';
import type { MessageStart } from '../tcp/message-log.ts';
import type { LoggedPacket } from '../tcp/packet-log.ts';
import type { ResetRecord } from '../tcp/reset-record.ts';
import { withoutCopies } from './capture-copies.ts';
import { sentBeforeReset } from './capture-order.ts';
import type { HostProfiles } from './host-profiles.ts';
import { keepAliveFrames } from './keep-alive.ts';
import { summarizeMessage } from './message-summary.ts';
import type { SketchIndex } from './sketch.ts';
import type { Vantage } from './vantage.ts';

/**
 * Everything a cause rule or an origin scorer may look at for one group of resets. Built once per
 * reset finding; rules only read it.
 */
export interface ResetContext {
  c: Connection;
  /** The resets of this finding, in capture order (a burst on one connection). */
  group: ResetRecord[];
  /** The first reset of the group: the one the explanation is anchored on. */
  r: ResetRecord;
  fromClient: boolean;
  sender: Endpoint;
  receiver: Endpoint;
  senderAddress: string;
  receiverAddress: string;
  clientLabel: string;
  serverLabel: string;
  /** Packets sent before the first reset, in capture order (bounded history; may have a gap),
   *  including `reordered`. */
  before: readonly LoggedPacket[];
  /** Packets after the group's last reset that are not themselves resets of the group. */
  after: LoggedPacket[];
  /** Packets the capture shows after the reset although its sender emitted them before it
   *  (see capture-order.ts); they are counted in `before`, not in `after`. */
  reordered: LoggedPacket[];
  /** The packet the reset answers, when one can be named, and how it was matched. */
  trigger: LoggedPacket | null;
  triggerMatch: 'ack-matches' | 'seq-matches' | 'last-from-peer' | null;
  /** Best RTT estimate in µs (handshake, else minimum sample), -1 unknown. */
  rtt: number;
  hosts: HostProfiles;
  sketches: SketchIndex;
  vantage: Vantage;
  /** Application messages: the last from each side before the reset, with summaries. */
  lastClientMessage: MessageStart | null;
  lastServerMessage: MessageStart | null;
  clientSummary: AppSummary | null;
  serverSummary: AppSummary | null;
  /** The server's first message after the client's last one (its answer), before the reset. */
  answer: MessageStart | null;
  answerSummary: AppSummary | null;
}

export function senderBefore(ctx: ResetContext): LoggedPacket[] {
  return ctx.before.filter((p) => p.fromClient === ctx.fromClient && (p.flags & TcpFlag.RST) === 0);
}

export function receiverBefore(ctx: ResetContext): LoggedPacket[] {
  return ctx.before.filter((p) => p.fromClient !== ctx.fromClient && (p.flags & TcpFlag.RST) === 0);
}

export function buildResetContext(
  c: Connection,
  group: ResetRecord[],
  hosts: HostProfiles,
  sketches: SketchIndex,
  vantage: Vantage,
): ResetContext {
  const r = group[0];
  const all = r.history.packets();
  // The snapshot ends with the reset itself.
  const captured = all.length > 0 && all[all.length - 1].frame === r.frame ? all.slice(0, -1) : all;
  const groupFrames = new Set(group.map((g) => g.frame));
  const last = group[group.length - 1];
  const reordered = sentBeforeReset(r, last.after);
  const before = reordered.length === 0 ? captured : [...captured, ...reordered];
  const after = last.after.filter((p) => !groupFrames.has(p.frame) && !reordered.includes(p));
  const sender = c.endpoint(r.fromClient);
  const receiver = c.endpoint(!r.fromClient);
  const rtt = c.handshakeRtt >= 0 ? c.handshakeRtt : c.rttMin;
  const { trigger, match } = findTrigger(r, before, rtt);
  const messages = c.messages?.messages ?? [];
  const sentBefore = new Set(reordered.map((p) => p.frame));
  // A keep-alive probe's byte is no message (keep-alive.ts).
  const probes = keepAliveFrames(withoutCopies(before));
  const lastClientMessage = lastMessageBefore(messages, true, r.tsMicros, r.frame, sentBefore, probes);
  const lastServerMessage = lastMessageBefore(messages, false, r.tsMicros, r.frame, sentBefore, probes);
  const answer = answerTo(messages, lastClientMessage, lastServerMessage);
  const serverSummary = summarizeMessage(c, lastServerMessage);
  const ctx: ResetContext = {
    c,
    group,
    r,
    fromClient: r.fromClient,
    sender,
    receiver,
    senderAddress: sender.addressText,
    receiverAddress: receiver.addressText,
    clientLabel: c.client.endpointText,
    serverLabel: c.server.endpointText,
    before,
    after,
    reordered,
    trigger,
    triggerMatch: match,
    rtt,
    hosts,
    sketches,
    vantage,
    lastClientMessage,
    lastServerMessage,
    clientSummary: summarizeMessage(c, lastClientMessage),
    serverSummary,
    answer,
    answerSummary: answer === lastServerMessage ? serverSummary : summarizeMessage(c, answer),
  };
  return ctx;
}

/**
 * The server's answer to the client's last message: its first message after it. Usually that is
 * also its last message; not when it spoke again after answering (an FTP server's 550, then a
 * "221 Goodbye" once the client closed).
 */
function answerTo(
  messages: MessageStart[],
  request: MessageStart | null,
  lastServer: MessageStart | null,
): MessageStart | null {
  if (request === null || lastServer === null || lastServer.frame < request.frame) return null;
  for (const m of messages)
    if (!m.fromClient && m.frame > request.frame && m.frame <= lastServer.frame) return m;
  return null;
}

function lastMessageBefore(
  messages: MessageStart[],
  fromClient: boolean,
  ts: number,
  frame: number,
  sentBefore: ReadonlySet<number>,
  probes: ReadonlySet<number>,
): MessageStart | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.totalLength <= 1 && probes.has(m.frame)) continue;
    if (m.fromClient === fromClient && (m.frame < frame || m.tsMicros < ts || sentBefore.has(m.frame)))
      return m;
  }
  return null;
}

/**
 * Which packet the reset answers. A stack answering a segment it has no place for sends (RFC 9293
 * §3.10.7.1): for a segment with ACK, a RST whose seq equals that ACK; for one without, a RST/ACK
 * acknowledging seq + length. The bare RST's exact copy of an ACK is specific; an RST/ACK's ack
 * is only its sender's rcv.nxt, which any abort of the socket carries — it names the peer's last
 * segment as the trigger only when the reset came soon enough to be its answer (sooner than the
 * wait app-timeout calls a timeout). Failing both, the last packet from the other side, under
 * the same condition: a reset seconds after anything is unsolicited, and answers nothing.
 */
function findTrigger(
  r: ResetRecord,
  before: readonly LoggedPacket[],
  rtt: number,
): { trigger: LoggedPacket | null; match: ResetContext['triggerMatch'] } {
  const answerWindow = Math.max(1_000_000, 20 * (rtt > 0 ? rtt : 0));
  const soon = (p: LoggedPacket) => r.tsMicros - p.tsMicros < answerWindow;
  let lastFromPeer: LoggedPacket | null = null;
  for (let i = before.length - 1; i >= 0; i--) {
    const p = before[i];
    if (p.fromClient === r.fromClient || (p.flags & TcpFlag.RST) !== 0) continue;
    if (lastFromPeer === null) lastFromPeer = p;
    const segLen = p.len + ((p.flags & TcpFlag.SYN) !== 0 ? 1 : 0) + ((p.flags & TcpFlag.FIN) !== 0 ? 1 : 0);
    if ((r.flags & TcpFlag.ACK) !== 0 && r.ack === (p.seq + segLen) >>> 0 && segLen > 0) {
      return soon(p) ? { trigger: p, match: 'seq-matches' } : { trigger: null, match: null };
    }
    if ((r.flags & TcpFlag.ACK) === 0 && (p.flags & TcpFlag.ACK) !== 0 && r.seq === p.ack) {
      return { trigger: p, match: 'ack-matches' };
    }
    if (i < before.length - 8) break; // answers come right after what they answer
  }
  return lastFromPeer !== null && soon(lastFromPeer)
    ? { trigger: lastFromPeer, match: 'last-from-peer' }
    : { trigger: null, match: null };
}
