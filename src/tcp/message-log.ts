import type { PacketView } from '../decode/packet-view.ts';

/**
 * The starts of the last few application messages in each direction — a "message" begins when a
 * side sends new data after the other side did (request/response turn-taking). The first bytes are
 * copied so the explain layer can summarise the request a reset answers (src/app/) without
 * re-reading the capture. Bounded: MESSAGES per direction, PREFIX bytes each.
 */
export const MESSAGES = 4;
export const PREFIX = 192;

export interface MessageStart {
  fromClient: boolean;
  frame: number;
  tsMicros: number;
  seq: number;
  /** Payload bytes of the first segment; `bytes` holds up to PREFIX of them. */
  segmentLength: number;
  /** Total new payload bytes of this message so far (all segments until the other side spoke). */
  totalLength: number;
  /** Last frame that carried new data of this message. */
  lastFrame: number;
  lastTs: number;
  /** Sequence number just past this message's data. */
  endSeq: number;
  bytes: Uint8Array;
}

export class MessageLog {
  /** Oldest first, both directions interleaved in capture order; at most 2 × MESSAGES. */
  readonly messages: MessageStart[] = [];
  /** Direction of the message currently being sent (-1 none yet, 1 client, 0 server). */
  private current = -1;
  count = 0;

  /** Record new (not retransmitted) payload. Allocates only when a new message starts. */
  data(view: PacketView, data: Uint8Array, frame: number, tsMicros: number, fromClient: boolean): void {
    const dir = fromClient ? 1 : 0;
    const len = view.payloadLength;
    const end = (view.seq + len) >>> 0;
    if (dir === this.current) {
      const m = this.lastOf(fromClient);
      if (m !== null) {
        m.totalLength += len;
        m.lastFrame = frame;
        m.lastTs = tsMicros;
        if (((end - m.endSeq) | 0) > 0) m.endSeq = end;
        return;
      }
    }
    this.current = dir;
    this.count++;
    const take = Math.min(view.payloadCaptured, PREFIX);
    const bytes = new Uint8Array(take);
    if (take > 0) bytes.set(data.subarray(view.payloadOffset, view.payloadOffset + take));
    this.messages.push({
      fromClient,
      frame,
      tsMicros,
      seq: view.seq,
      segmentLength: len,
      totalLength: len,
      lastFrame: frame,
      lastTs: tsMicros,
      endSeq: end,
      bytes,
    });
    let sameDir = 0;
    for (const m of this.messages) if (m.fromClient === fromClient) sameDir++;
    if (sameDir > MESSAGES) {
      const idx = this.messages.findIndex((m) => m.fromClient === fromClient);
      this.messages.splice(idx, 1);
    }
  }

  lastOf(fromClient: boolean): MessageStart | null {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i].fromClient === fromClient) return this.messages[i];
    }
    return null;
  }
}
