/**
 * EtherType values (IEEE 802 numbers, IANA "ieee-802-numbers" registry) and the one place that
 * maps them to the next layer. Ethernet, VLAN tags, LLC/SNAP, Linux cooked headers and GRE all
 * carry an EtherType, so they all dispatch through here.
 */
import { type DecodeCursor, Layer, stop } from './cursor.ts';
import type { PacketView } from './packet-view.ts';

export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  /** IEEE 802.1Q customer tag. */
  VLAN: 0x8100,
  /** IEEE 802.1ad service tag (QinQ outer tag). */
  QINQ: 0x88a8,
  /** Pre-standard QinQ tags still sent by some switches (Cisco/Juniper). */
  QINQ_OLD_9100: 0x9100,
  QINQ_OLD_9200: 0x9200,
  IPV6: 0x86dd,
  MPLS_UNICAST: 0x8847,
  MPLS_MULTICAST: 0x8848,
  PPPOE_DISCOVERY: 0x8863,
  PPPOE_SESSION: 0x8864,
  /** GRE protocol type for bridged Ethernet (RFC 1701 "transparent Ethernet bridging"). */
  TRANSPARENT_ETHERNET: 0x6558,
  /** ERSPAN type I (GRE without sequence number) and type II (with). */
  ERSPAN_II: 0x88be,
  ERSPAN_III: 0x22eb,
  /** PPP in GRE (PPTP, RFC 2637). */
  PPP: 0x880b,
} as const;

/** First value that is an EtherType rather than an 802.3 length (IEEE 802.3 clause 3.2.6). */
export const ETHERTYPE_MIN = 0x0600;

export const PROBLEM_NOT_IP = 'EtherType carries no IP';

/**
 * Continue with whatever `type` announces, at `offset`. Types that can never lead to TCP end the
 * walk with 'not-ip' (ARP, LLDP, 802.1X, …).
 */
export function dispatchEtherType(
  view: PacketView,
  cursor: DecodeCursor,
  type: number,
  offset: number,
): void {
  cursor.offset = offset;
  switch (type) {
    case EtherType.IPV4:
      cursor.next = Layer.ipv4;
      return;
    case EtherType.IPV6:
      cursor.next = Layer.ipv6;
      return;
    case EtherType.VLAN:
    case EtherType.QINQ:
    case EtherType.QINQ_OLD_9100:
    case EtherType.QINQ_OLD_9200:
      cursor.next = Layer.vlan;
      return;
    case EtherType.MPLS_UNICAST:
    case EtherType.MPLS_MULTICAST:
      cursor.next = Layer.mpls;
      return;
    case EtherType.PPPOE_SESSION:
      cursor.next = Layer.pppoe;
      return;
    default:
      stop(view, cursor, 'not-ip', PROBLEM_NOT_IP);
  }
}
