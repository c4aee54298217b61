import type { ConnectionState } from './connection.ts';
import type { LoggedPacket, PacketLog } from './packet-log.ts';

/**
 * Everything known about one RST packet at the moment it was seen, copied so that later packets
 * (which may be many) do not overwrite the context a reset is explained against. Allocated once per
 * reset, never per ordinary packet.
 */
export interface ResetRecord {
  frame: number;
  tsMicros: number;
  fromClient: boolean;
  flags: number;
  seq: number;
  ack: number;
  window: number;
  ttl: number;
  ipId: number;
  payloadLength: number;
  hasTimestamp: boolean;
  tsVal: number;
  hasMd5: boolean;
  hasAuthOption: boolean;
  /** TCP option kinds in order, as a compact string of kind numbers ("1,1,8"). */
  options: string;
  reservedBits: number;
  /** Connection state just before this reset. */
  stateBefore: ConnectionState;
  /** The sender's next sequence number before the reset (-1 when unknown). */
  senderNextSeq: number;
  /** What the receiver had acknowledged of the sender's data (-1 unknown): the receiver's rcv.nxt. */
  receiverAckedSeq: number;
  /** The receiver's last advertised window (raw) and scale shift (-1 unknown). */
  receiverWindow: number;
  receiverWindowScale: number;
  /** Time since the previous packet of the connection (µs), and since the previous non-reset one. */
  idleBefore: number;
  /** The connection's packet history up to and including this reset. */
  history: PacketLog;
  /** Up to POST_RESET_PACKETS packets seen after this reset on the same connection. */
  readonly after: readonly LoggedPacket[];
}

export const POST_RESET_PACKETS = 16;
export const MAX_RESETS_PER_CONNECTION = 64;
