/**
 * Linux "cooked" capture header v1 (LINKTYPE_LINUX_SLL 113), written when capturing on the `any`
 * device or on interfaces without a usable link header
 * (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html).
 *
 * The protocol field is an EtherType, except for a few small values that Linux uses for frames
 * without one (ETH_P_802_3 1: Novell raw 802.3, ETH_P_802_2 4: LLC follows). On netlink and CAN
 * "interfaces" the field holds a netlink family / CAN id instead, so those never carry IP.
 */
import { u16 } from './bytes.ts';
import { advance, type DecodeCursor, Layer, stop } from './cursor.ts';
import { dispatchEtherType } from './ethertype.ts';
import type { PacketView } from './packet-view.ts';

// SLL v1 header (16 bytes): packet type, ARPHRD type, address length, 8 address bytes, protocol.
const SLL_HATYPE = 2;
const SLL_PROTOCOL = 14;
export const SLL_HEADER_LENGTH = 16;

/** Linux ETH_P_802_3: Novell raw 802.3, no LLC header (IPX only). */
const ETH_P_802_3 = 0x0001;
/** Linux ETH_P_802_2: an 802.2 LLC header follows. */
const ETH_P_802_2 = 0x0004;
/** ARPHRD types whose protocol field is not an EtherType (include/uapi/linux/if_arp.h). */
const ARPHRD_CAN = 280;
const ARPHRD_NETLINK = 824;

export const PROBLEM_SLL_TRUNCATED = 'Linux cooked (SLL) header cut short';
export const PROBLEM_SLL_NOT_IP = 'Linux cooked frame carries no IP';

export function decodeLinuxSll(view: PacketView, data: Uint8Array, cursor: DecodeCursor): void {
  const start = cursor.offset;
  if (cursor.end - start < SLL_HEADER_LENGTH) {
    stop(view, cursor, 'truncated', PROBLEM_SLL_TRUNCATED);
    return;
  }
  dispatchCooked(
    view,
    cursor,
    u16(data, start + SLL_HATYPE),
    u16(data, start + SLL_PROTOCOL),
    start + SLL_HEADER_LENGTH,
  );
}

/** Shared by SLL v1 and v2: the two headers differ only in layout. */
export function dispatchCooked(
  view: PacketView,
  cursor: DecodeCursor,
  hatype: number,
  protocol: number,
  offset: number,
): void {
  if (hatype === ARPHRD_NETLINK || hatype === ARPHRD_CAN || protocol === ETH_P_802_3) {
    stop(view, cursor, 'not-ip', PROBLEM_SLL_NOT_IP);
  } else if (protocol === ETH_P_802_2) {
    advance(cursor, Layer.llc, offset);
  } else {
    dispatchEtherType(view, cursor, protocol, offset);
  }
}
