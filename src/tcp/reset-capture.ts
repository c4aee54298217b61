import type { CaptureRecord } from '../capture/record.ts';
import type { PacketView } from '../decode/packet-view.ts';
import type { Connection } from './connection.ts';
import type { Endpoint } from './endpoint.ts';
import type { ResetRecord } from './reset-record.ts';
import { MAX_RESETS_PER_CONNECTION } from './reset-record.ts';
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
): ResetRecord | null {
  if (c.resets === null) c.resets = [];
  if (c.resets.length >= MAX_RESETS_PER_CONNECTION) {
    c.resetsDropped++;
    return null;
  }
  const sender = c.endpoint(fromClient);
  const receiver = c.endpoint(!fromClient);
  const scaleAgreed = c.client.windowScale >= 0 && c.server.windowScale >= 0;
  const handshakeSeen = c.client.isn >= 0 && c.server.isn >= 0;
  let options = '';
  for (let i = 0; i < view.optionCount; i++) options += (i > 0 ? ',' : '') + view.optionKinds[i];
  const r: ResetRecord = {
    frame: record.frame,
    tsMicros: record.tsMicros,
    fromClient,
    flags: view.flags,
    seq: view.seq,
    ack: view.ack,
    window: view.window,
    ttl: view.ttl,
    ipId: view.ipId,
    payloadLength: view.payloadLength,
    hasTimestamp: view.hasTimestamp,
    tsVal: view.tsVal,
    hasMd5: view.hasMd5,
    hasAuthOption: view.hasAuthOption,
    options,
    reservedBits: view.reservedBits,
    stateBefore: c.state,
    senderNextSeq: senderNextSeq(sender, receiver),
    receiverAckedSeq: receiver.ackKnown ? receiver.highestAck : -1,
    receiverWindow: receiver.window,
    receiverWindowScale: scaleAgreed ? receiver.windowScale : handshakeSeen ? 0 : -1,
    idleBefore,
    history: c.log.snapshot(),
    after: [],
  };
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
