import type { CaptureRecord } from '../capture/record.ts';
import type { PacketView } from '../decode/packet-view.ts';
import type { Connection, ConnectionState } from './connection.ts';
import type { Endpoint } from './endpoint.ts';
import type { LoggedPacket } from './packet-log.ts';
import { PacketLog } from './packet-log.ts';
import type { ResetRecord } from './reset-record.ts';
import { MAX_RESETS_PER_CONNECTION, POST_RESET_PACKETS } from './reset-record.ts';
import { seqGt } from './seq.ts';

/**
 * Copy what a reset must be judged against at the moment it arrives: the sender's expected
 * sequence number, what the receiver had acknowledged, the receiver's window, the time since the
 * previous packet, and the packet history. RFC 5961 §3.2: a receiver accepts a reset only when its
 * sequence number exactly equals rcv.nxt, and only challenges one that is merely in the window —
 * so these numbers decide whether the reset could have had any effect.
 */
export function recordReset(
  c: Connection,
  view: PacketView,
  record: CaptureRecord,
  fromClient: boolean,
  idleBefore: number,
): ResetSnapshot | null {
  if (c.resets === null) c.resets = [];
  if (c.resets.length >= MAX_RESETS_PER_CONNECTION) {
    c.resetsDropped++;
    return null;
  }
  const sender = c.endpoint(fromClient);
  const receiver = c.endpoint(!fromClient);
  const scaleAgreed = c.client.windowScale >= 0 && c.server.windowScale >= 0;
  // Both SYNs seen with all their options: no window scale offered means none (RFC 7323 2.2).
  const handshakeSeen =
    c.client.isn >= 0 && c.server.isn >= 0 && !c.client.synOptionsCut && !c.server.synOptionsCut;
  let options = '';
  for (let i = 0; i < view.optionCount; i++) options += (i > 0 ? ',' : '') + view.optionKinds[i];
  const r = new ResetSnapshot(
    record.frame,
    record.tsMicros,
    fromClient,
    view,
    options,
    c.state,
    senderNextSeq(sender, receiver),
    receiver.ackKnown ? receiver.highestAck : -1,
    receiver.window,
    scaleAgreed ? receiver.windowScale : handshakeSeen ? 0 : -1,
    idleBefore,
    c.log.snapshot(),
  );
  c.resets.push(r);
  return r;
}

/**
 * Where the sender's stream stood: the end of its highest segment seen, or further when the
 * receiver acknowledged data the capture missed (the sequence analysis, like Wireshark's, keeps
 * next-expected at what was seen; a reset from the sender's socket carries its real snd.nxt).
 */
function senderNextSeq(sender: Endpoint, receiver: Endpoint): number {
  if (!sender.seqKnown) return -1;
  if (receiver.ackKnown && seqGt(receiver.highestAck, sender.nextSeq)) return receiver.highestAck;
  return sender.nextSeq;
}

const NONE: readonly LoggedPacket[] = [];

/**
 * A ResetRecord as the tracker makes it. The packets that follow the reset are logged in a
 * compact packet log (no object per packet) and decoded into `after` when someone reads it.
 */
export class ResetSnapshot implements ResetRecord {
  readonly frame: number;
  readonly tsMicros: number;
  readonly fromClient: boolean;
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  readonly window: number;
  readonly ttl: number;
  readonly ipId: number;
  readonly payloadLength: number;
  readonly hasTimestamp: boolean;
  readonly tsVal: number;
  readonly hasMd5: boolean;
  readonly hasAuthOption: boolean;
  readonly options: string;
  readonly reservedBits: number;
  readonly stateBefore: ConnectionState;
  readonly senderNextSeq: number;
  readonly receiverAckedSeq: number;
  readonly receiverWindow: number;
  readonly receiverWindowScale: number;
  readonly idleBefore: number;
  readonly history: PacketLog;
  private following: PacketLog | null = null;

  constructor(
    frame: number,
    tsMicros: number,
    fromClient: boolean,
    view: PacketView,
    options: string,
    stateBefore: ConnectionState,
    senderNextSeq: number,
    receiverAckedSeq: number,
    receiverWindow: number,
    receiverWindowScale: number,
    idleBefore: number,
    history: PacketLog,
  ) {
    this.frame = frame;
    this.tsMicros = tsMicros;
    this.fromClient = fromClient;
    this.flags = view.flags;
    this.seq = view.seq;
    this.ack = view.ack;
    this.window = view.window;
    this.ttl = view.ttl;
    this.ipId = view.ipId;
    this.payloadLength = view.payloadLength;
    this.hasTimestamp = view.hasTimestamp;
    this.tsVal = view.tsVal;
    this.hasMd5 = view.hasMd5;
    this.hasAuthOption = view.hasAuthOption;
    this.options = options;
    this.reservedBits = view.reservedBits;
    this.stateBefore = stateBefore;
    this.senderNextSeq = senderNextSeq;
    this.receiverAckedSeq = receiverAckedSeq;
    this.receiverWindow = receiverWindow;
    this.receiverWindowScale = receiverWindowScale;
    this.idleBefore = idleBefore;
    this.history = history;
  }

  /** Whether another packet after this reset is still wanted (the first POST_RESET_PACKETS are kept). */
  get wantsMore(): boolean {
    return this.following === null || this.following.count < POST_RESET_PACKETS;
  }

  /** A packet of the connection after this reset. */
  follow(view: PacketView, record: CaptureRecord, fromClient: boolean): void {
    if (this.following === null) this.following = new PacketLog();
    this.following.add(view, record, fromClient);
  }

  get after(): readonly LoggedPacket[] {
    return this.following === null ? NONE : this.following.packets();
  }

  /** Moves the logs out of the shared chunks (see PacketLog.detach). */
  detach(): void {
    this.history.detach();
    this.following?.detach();
  }

  /** Gives the logs' blocks back (see PacketLog.release). */
  release(): void {
    this.history.release();
    this.following?.release();
  }
}
