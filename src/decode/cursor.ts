/**
 * The decoder's walking state: which layer comes next and where its bytes are.
 *
 * decodeFrame runs a small loop over layers instead of recursion, so a crafted frame that nests
 * tunnels cannot grow the stack, and each protocol file only has to say "what comes after me"
 * (gopacket's NextLayerType idea). One cursor is reused for every frame: no allocation.
 */
import type { DecodeStatus, PacketView } from './packet-view.ts';

/** Layers the loop knows how to decode; `done` ends the walk. */
export const Layer = {
  done: 0,
  ethernet: 1,
  vlan: 2,
  llc: 3,
  ipv4: 4,
  ipv6: 5,
  /** IPv4 or IPv6, decided by the version nibble (raw IP link types, GTP-U, MPLS). */
  ipByVersion: 6,
  tcp: 7,
  udp: 8,
  gre: 9,
  erspan2: 10,
  erspan3: 11,
  mpls: 12,
  pppoe: 13,
  ppp: 14,
  wlan: 15,
  /** IPv4 `protocol` / IPv6 `next header` value in `cursor.protocol`, incl. extension headers. */
  ipProtocol: 16,
} as const;
export type LayerId = (typeof Layer)[keyof typeof Layer];

export class DecodeCursor {
  next: LayerId = Layer.done;
  /** Start of the next layer's header. */
  offset = 0;
  /** End of the captured bytes that belong to the current layer (trailers and padding excluded). */
  end = 0;
  /**
   * End of the current layer according to the length fields met so far (IP total length, …).
   * It may lie beyond `end` when the snaplen cut the frame: TCP's payload length comes from here.
   */
  claimedEnd = 0;
  /**
   * End of the frame as it was on the wire (offset + original length) when the caller knows it,
   * else MAX_SAFE_INTEGER. An IP length claiming more than the wire frame held is a lie (fuzzed or
   * corrupt), so IP lengths are capped here, as tshark caps them at the reported frame length.
   */
  wireEnd = 0;
  /** Pending IP protocol number for Layer.ipProtocol. */
  protocol = 0;
  /**
   * Offset of the IP header last recorded as a tunnel's carrier (-1: none yet), so a tunnel inside
   * a tunnel without an IP header in between (ERSPAN in GRE) does not repeat the same addresses.
   */
  carrierIpOffset = -1;
}

/** End the walk with a status; `problem` is a constant string (no allocation). */
export function stop(view: PacketView, cursor: DecodeCursor, status: DecodeStatus, problem: string): void {
  view.status = status;
  view.problem = problem;
  cursor.next = Layer.done;
}

/** Move the cursor to a new header; the byte ends stay. */
export function advance(cursor: DecodeCursor, next: LayerId, offset: number): void {
  cursor.next = next;
  cursor.offset = offset;
}

/**
 * Narrow the current layer to `length` bytes starting at `start` (a link-layer or tunnel length
 * field): later trailers and padding are not part of the packet.
 */
export function limitTo(cursor: DecodeCursor, start: number, length: number): void {
  const limit = start + length;
  if (limit < cursor.end) cursor.end = limit;
  if (limit < cursor.claimedEnd) cursor.claimedEnd = limit;
}
