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
  /** The same first bytes as a latin1 string (one char per byte), when they are kept that way:
   *  reading it allocates nothing (`bytes` makes a Buffer on first use). */
  readonly latin1?: string;
}

/**
 * A message start whose first bytes are kept as a one-byte string (latin1: one char per byte,
 * lossless) and turned into a Uint8Array only when read. A small string lives in the JS heap and
 * costs one allocation; a Uint8Array per message costs three objects and an off-heap buffer, and
 * most messages of most connections are never read (only those of connections with a reset or a
 * failure are).
 */
class MessageRecord implements MessageStart {
  fromClient: boolean;
  frame: number;
  tsMicros: number;
  seq: number;
  segmentLength: number;
  totalLength: number;
  lastFrame: number;
  lastTs: number;
  endSeq: number;
  private prefix: string;
  private decoded: Uint8Array | null = null;

  get latin1(): string | undefined {
    return this.decoded === null ? this.prefix : undefined;
  }

  constructor(
    fromClient: boolean,
    frame: number,
    tsMicros: number,
    seq: number,
    len: number,
    endSeq: number,
    prefix: string,
  ) {
    this.fromClient = fromClient;
    this.frame = frame;
    this.tsMicros = tsMicros;
    this.seq = seq;
    this.segmentLength = len;
    this.totalLength = len;
    this.lastFrame = frame;
    this.lastTs = tsMicros;
    this.endSeq = endSeq;
    this.prefix = prefix;
  }

  get bytes(): Uint8Array {
    if (this.decoded === null) this.decoded = Buffer.from(this.prefix, 'latin1');
    return this.decoded;
  }

  set bytes(value: Uint8Array) {
    this.decoded = value;
  }
}

/** Bytes [from, to) as a latin1 string, without allocating a Buffer view for Buffers. */
function latin1(data: Uint8Array, from: number, to: number): string {
  if (to <= from) return '';
  if (Buffer.isBuffer(data)) return data.toString('latin1', from, to);
  return Buffer.from(data.buffer, data.byteOffset + from, to - from).toString('latin1');
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
    const from = view.payloadOffset;
    const messages = this.messages;
    messages.push(
      new MessageRecord(fromClient, frame, tsMicros, view.seq, len, end, latin1(data, from, from + take)),
    );
    // Plain index loops: this runs at every turn of a conversation (an SMB transfer has thousands).
    let sameDir = 0;
    let oldest = -1;
    for (let i = 0; i < messages.length; i++) {
      if (messages[i].fromClient !== fromClient) continue;
      if (oldest < 0) oldest = i;
      sameDir++;
    }
    if (sameDir > MESSAGES) {
      for (let i = oldest; i < messages.length - 1; i++) messages[i] = messages[i + 1];
      messages.length--;
    }
  }

  /**
   * One side closed (its first FIN). What the other side sends next answers the close (an FTP
   * server's "221 Goodbye" after the client's FIN) — a new message, not more of the one it was
   * sending.
   */
  closedBy(fromClient: boolean): void {
    if (this.current === (fromClient ? 0 : 1)) this.current = -1;
  }

  lastOf(fromClient: boolean): MessageStart | null {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i].fromClient === fromClient) return this.messages[i];
    }
    return null;
  }
}
